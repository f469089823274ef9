// The API server's clock, read from the Date header every answer carries. A token's `created` is
// the server's time, and a client's clock may be minutes off, so windows around a create are
// measured on the server's clock.
import { httpDateMs } from "../rules/dates";

/** One answer's Date header and when (this machine's ms) the answer was in hand. */
export interface ServerClockReading {
    date: string;
    receivedAtMs: number;
}

/**
 * A lower bound of (server clock − this machine's clock), in ms, or undefined without a usable Date.
 * The header is truncated to the second and was written before the answer arrived, so the
 * server's time at arrival is at least the header's: the bound never overestimates.
 */
export function serverOffsetLowerBound(reading: ServerClockReading | undefined): number | undefined {
    if (!reading) return undefined;
    const server = httpDateMs(reading.date);
    return Number.isFinite(server) ? server - reading.receivedAtMs : undefined;
}

/** The latest reading of a server's clock (any answer's will do: the offset is the server's). */
export class ServerClock {
    private latest?: ServerClockReading;

    /** Records an answer's Date header; an absent or unparsable one is ignored. */
    observe(date: string | string[] | undefined, receivedAtMs: number): void {
        const value = Array.isArray(date) ? date[0] : date;
        if (typeof value === "string" && Number.isFinite(httpDateMs(value))) {
            this.latest = { date: value, receivedAtMs };
        }
    }

    /** The lower bound of the server's time at this machine's `localMs`, or undefined with no reading. */
    serverTimeAtLeast(localMs: number): number | undefined {
        const offset = serverOffsetLowerBound(this.latest);
        return offset === undefined ? undefined : localMs + offset;
    }
}

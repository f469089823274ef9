// Whose is the pacing lag: the provider's own timing of each request (provider/isc-client/timing.ts)
// beside the API's arrival times. The i-th request to arrive (i >= 100) had room in the API's window
// from room(i) = arrival(i - 100) + 10 s; whatever it came later than that is split by where it was
// then: the engine's call had not yet reached the provider (the engine's time and the host's), the
// provider worked on the call before asking the pacer (an earlier request of the same call, such as
// the list before a create), the pacer held it, or it was on its way (got, the event loops, loopback).
// The lag of engine.ts's pacingFigures adds up over the windows (lag(i) = arrival(i) - room(i) +
// lag(i - 100)); each share adds up the same way, so the shares of a request sum to its lag.
// Pure: arrivals and records in, figures out.
import type { RequestTiming } from "../provider/isc-client/timing";
import { round } from "./report";

export interface LagShares {
    /** Before the engine's call reached the provider: the engine's, the language host's, the machine's. */
    engineS: number;
    /** The provider at work on the call before the request asked the pacer. */
    providerS: number;
    /** The pacer held the request while the API's window had room. */
    pacerS: number;
    /** Granted, on its way to the API: got, the event loops, loopback. */
    sendingS: number;
}

export interface LagSplit {
    /** Provider records paired with arrivals (they pair in order of sending; none when the counts differ). */
    requests: number;
    /** The request of the largest lag: its lag and its shares. */
    worst: LagShares & { lagS: number };
    /** The last request's shares: the span beyond the floor is its lag. */
    last: LagShares & { lagS: number };
    /** The largest share of the pacer in any request's lag: the pacer's lag. */
    pacerLagS: number;
    /** The largest share before the engine's call arrived, in any request's lag. */
    engineLagS: number;
    /**
     * The pacer's longest hold past its own rule: a window after the answers it had seen (the i-th
     * request may go a window after the (i - 100)-th answer's headers). The pacer's share less this is
     * the time its answers took to reach it (latency, the event loops) and the slack it adds.
     */
    pacerPastAnswersS: number;
}

type Ms = [engine: number, provider: number, pacer: number, sending: number];

function shares(ms: Ms): LagShares & { lagS: number } {
    const s = (v: number) => round(v / 1000, 2);
    return {
        lagS: s(ms[0] + ms[1] + ms[2] + ms[3]),
        engineS: s(ms[0]),
        providerS: s(ms[1]),
        pacerS: s(ms[2]),
        sendingS: s(ms[3]),
    };
}

/**
 * `arrivals`: the accepted requests' arrival times at the API (ms, sorted); `records`: the provider's
 * timing lines of the same run. Null when they do not pair one to one, or under 101 requests.
 */
export function lagSplit(
    arrivals: readonly number[],
    records: readonly RequestTiming[],
    limits: { requests: number; windowMs: number },
): LagSplit | null {
    const answered = records
        .filter((r) => r.status !== null && r.status !== 429 && r.sentAt !== null && r.grantedAt !== null)
        .sort((a, b) => (a.sentAt as number) - (b.sentAt as number));
    const n = arrivals.length;
    if (answered.length !== n || n <= limits.requests) return null;
    const cumulative: Ms[] = Array.from({ length: limits.requests }, () => [0, 0, 0, 0]);
    const answers = answered.map((r) => r.headersAt ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    let pastAnswers = 0;
    for (let i = limits.requests; i < n; i++) {
        const r = answered[i];
        const known = answers[i - limits.requests] + limits.windowMs;
        pastAnswers = Math.max(pastAnswers, (r.grantedAt as number) - Math.max(r.queuedAt, known));
        const room = arrivals[i - limits.requests] + limits.windowMs;
        const at = (t: number) => Math.max(t, room);
        // A request outside an engine's call: all of its time before the pacer is counted as the engine's.
        const call = at(r.callAt ?? r.queuedAt);
        const queued = at(r.queuedAt);
        const granted = at(r.grantedAt as number);
        const step: Ms = [call - room, queued - call, granted - queued, arrivals[i] - granted];
        const before = cumulative[i - limits.requests];
        cumulative.push(step.map((v, k) => v + before[k]) as Ms);
    }
    const lag = (ms: Ms) => ms[0] + ms[1] + ms[2] + ms[3];
    const worst = cumulative.reduce((a, b) => (lag(b) > lag(a) ? b : a));
    return {
        requests: n,
        worst: shares(worst),
        last: shares(cumulative[n - 1]),
        pacerLagS: round(Math.max(...cumulative.map((ms) => ms[2])) / 1000, 2),
        engineLagS: round(Math.max(...cumulative.map((ms) => ms[0])) / 1000, 2),
        pacerPastAnswersS: round(pastAnswers / 1000, 2),
    };
}

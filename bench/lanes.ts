// How many of the engine's calls the provider had at once, and how long a freed lane stood idle before
// the engine's next call came, from the provider's timing of each request (provider/isc-client/timing.ts).
// The Pulumi engine runs at most `--parallel` steps at once (its step executor starts that many workers;
// the CLI's default is 4 x GOMAXPROCS), and between two steps a worker ends the step (the state written
// whole to the backend), answers the program and starts the next (the state written again, then the
// provider's call). When a create is two paced requests, those lanes, not the API's window, set the pace.
// Pure: timing lines in, figures out.
import type { RequestTiming } from "../provider/isc-client/timing";
import { median, round } from "./report";

/** One engine call as the provider saw it: from its arrival to its last answer's headers. */
export interface CallSpan {
    startMs: number;
    endMs: number;
    requests: number;
}

export interface LaneFigures {
    /** Engine calls that sent at least one paced request. */
    calls: number;
    /** The most calls the provider held at once: the engine's lanes in use. */
    maxInFlight: number;
    /**
     * A lane's turnaround: from a call's last answer to the next call the freed lane carried, in ms
     * (median of the first and of the last quarter of the calls, and over all). With every lane busy, the
     * j-th call to start came on the lane the (j - lanes)-th call to end had freed; the time between is the
     * engine's between two steps (ending one, the state write, the program's answer, beginning the next).
     */
    turnaroundMs: { first: number; last: number; all: number } | null;
}

/** The calls of a run, each from the lines its requests wrote (lines outside a call are left out). */
export function callSpans(records: readonly RequestTiming[]): CallSpan[] {
    const calls = new Map<string, CallSpan>();
    for (const r of records) {
        if (r.call === null || r.callAt === null) continue;
        const key = `${r.pid} ${r.call} ${r.callAt}`;
        const end = r.headersAt ?? r.sentAt ?? r.grantedAt ?? r.queuedAt;
        const span = calls.get(key);
        if (span) {
            span.endMs = Math.max(span.endMs, end);
            span.requests += 1;
        } else {
            calls.set(key, { startMs: r.callAt, endMs: end, requests: 1 });
        }
    }
    return [...calls.values()].sort((a, b) => a.startMs - b.startMs);
}

/** The most spans open at one instant (one that ends when another starts does not overlap it). */
export function maxInFlight(spans: readonly CallSpan[]): number {
    const events = spans.flatMap((s) => [
        { at: s.startMs, delta: 1 },
        { at: s.endMs, delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let open = 0;
    let most = 0;
    for (const e of events) {
        open += e.delta;
        most = Math.max(most, open);
    }
    return most;
}

/** Each call's wait for a lane: its start less the end that freed its lane, with `lanes` lanes. */
export function turnarounds(spans: readonly CallSpan[], lanes: number): number[] {
    const starts = spans.map((s) => s.startMs).sort((a, b) => a - b);
    const ends = spans.map((s) => s.endMs).sort((a, b) => a - b);
    return starts.slice(lanes).map((start, j) => start - ends[j]);
}

export function laneFigures(records: readonly RequestTiming[]): LaneFigures {
    const spans = callSpans(records);
    const lanes = maxInFlight(spans);
    const waits = turnarounds(spans, lanes);
    const quarter = Math.max(1, Math.floor(waits.length / 4));
    const ms = (values: number[]) => round(median(values), 1);
    return {
        calls: spans.length,
        maxInFlight: lanes,
        turnaroundMs:
            waits.length === 0
                ? null
                : { first: ms(waits.slice(0, quarter)), last: ms(waits.slice(-quarter)), all: ms(waits) },
    };
}

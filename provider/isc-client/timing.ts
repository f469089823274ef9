// The provider's own timing of each paced request, for the benchmark: when the engine's call reached
// the core, when the request asked the pacer for a slot, when the pacer granted it, when it was sent
// and when its answer's headers came. With the API's arrival times, that tells a pacer that holds
// requests from an engine that asks for them late (bench/lag.ts). Off unless ISC_PAT_TIMING_FILE
// names a file; then each attempt appends one JSON line of times and names: no URL, header or body.
import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export const TIMING_FILE_VARIABLE = "ISC_PAT_TIMING_FILE";

/** One attempt of a paced request; times in ms since the epoch (Date.now's scale), to 0.1 ms. */
export interface RequestTiming {
    pid: number;
    /** The engine's call it serves (create, read, update, delete); null outside one. */
    call: string | null;
    /** When that call reached the core; null outside one. */
    callAt: number | null;
    method: string;
    /** Asked the pacer for a slot; granted it; its headers were written out; its answer's headers came. */
    queuedAt: number;
    grantedAt: number | null;
    sentAt: number | null;
    headersAt: number | null;
    /** The answer's status; null when none came (a network failure). */
    status: number | null;
}

interface Call {
    call: string;
    callAt: number;
}

/** Created on the first timed call only: a provider not timed never tracks async context for it. */
let calls: AsyncLocalStorage<Call> | undefined;

function timingFile(): string | undefined {
    return process.env[TIMING_FILE_VARIABLE] || undefined;
}

function now(): number {
    return Math.round((performance.timeOrigin + performance.now()) * 10) / 10;
}

/** Runs the engine's call `call`, its requests timed from now on, when timing is on. */
export function timedCall<T>(call: string, work: () => Promise<T>): Promise<T> {
    if (!timingFile()) return work();
    calls ??= new AsyncLocalStorage<Call>();
    return calls.run({ call, callAt: now() }, work);
}

/** One attempt's marks, written as one line when it ends. */
export class AttemptTiming {
    private readonly record: RequestTiming;

    constructor(
        private readonly file: string,
        method: string,
    ) {
        const call = calls?.getStore();
        this.record = {
            pid: process.pid,
            call: call?.call ?? null,
            callAt: call?.callAt ?? null,
            method,
            queuedAt: now(),
            grantedAt: null,
            sentAt: null,
            headersAt: null,
            status: null,
        };
    }

    mark(event: "granted" | "sent" | "headers"): void {
        const key = `${event}At` as const;
        this.record[key] ??= now();
    }

    /** Writes the line; a file that cannot be written loses the line, never the request. */
    end(status: number | null): void {
        this.record.status = status;
        try {
            appendFileSync(this.file, `${JSON.stringify(this.record)}\n`, { mode: 0o600 });
        } catch {
            // The benchmark reports the lines it finds.
        }
    }
}

/** Timing for one attempt about to ask the pacer, when timing is on. */
export function timeAttempt(method: string): AttemptTiming | undefined {
    const file = timingFile();
    return file ? new AttemptTiming(file, method) : undefined;
}

/** The records of a timing file (lines that do not parse are skipped). */
export function readTimings(text: string): RequestTiming[] {
    return text.split("\n").flatMap((line) => {
        try {
            return line ? [JSON.parse(line) as RequestTiming] : [];
        } catch {
            return [];
        }
    });
}

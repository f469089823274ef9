// Whether, and after how long, a failed attempt is tried again: a pure decision, apart from the
// request loop in http.ts, so that every rule is tested without HTTP. A 429 is retried on every
// method (it was not processed); 500/502/503/504 and connection errors only where a repeat is safe;
// on a create they mean the outcome is unknown.
import { httpDateMs } from "../rules/dates";

export interface RetryPolicy {
    /** Attempts in all, the first included. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** Per-attempt timeout, the whole answer included (a trickled body counts). */
    timeoutMs: number;
    /** The largest response body accepted; default MAX_RESPONSE_BYTES (http.ts). */
    maxResponseBytes?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 250,
    maxDelayMs: 20_000,
    timeoutMs: 30_000,
};

/** A Retry-After longer than this is not honoured in full: a bad header cannot stall a run. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** Server-side failures worth another try where a repeat is safe. */
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** What one attempt came to. */
export type AttemptOutcome =
    | { kind: "answer"; status: number; retryAfter?: string | string[] }
    /** No answer; `maybeSent` when the request may have reached the server. */
    | { kind: "network"; maybeSent: boolean };

export interface AttemptContext {
    /** 1 for the first attempt. */
    attempt: number;
    /** Whether sending the request twice does no harm (everything but create). */
    idempotent: boolean;
    /** Whether a 401 may be answered by fetching a new bearer token (once per request). */
    mayRefreshAuth: boolean;
    policy: RetryPolicy;
    /** For a Retry-After given as an HTTP date. */
    now: number;
    /** A draw from [0, 1) for the jitter. */
    random: number;
}

export type RetryDecision =
    /** Hand the answer to the caller: a success, or an error that retrying would not mend. */
    | { action: "return" }
    /** The bearer token was refused: fetch a new one and send again; this attempt does not count. */
    | { action: "refresh-auth" }
    | { action: "retry"; delayMs: number; rateLimited: boolean }
    /** Unsafe to repeat, and it may have been processed: the caller must find out. */
    | { action: "ambiguous" }
    /** No answer, and the attempts are spent. */
    | { action: "give-up" };

export function decideRetry(outcome: AttemptOutcome, ctx: AttemptContext): RetryDecision {
    const spent = ctx.attempt >= ctx.policy.maxAttempts;
    if (outcome.kind === "network") {
        if (!ctx.idempotent && outcome.maybeSent) return { action: "ambiguous" };
        if (spent) return { action: "give-up" };
        return { action: "retry", delayMs: backoffDelayMs(ctx), rateLimited: false };
    }
    const { status } = outcome;
    if (status === 401 && ctx.mayRefreshAuth) return { action: "refresh-auth" };
    // A server or gateway error says nothing about whether a create went through.
    if (RETRYABLE_STATUS.has(status) && !ctx.idempotent) return { action: "ambiguous" };
    if (spent || (status !== 429 && !RETRYABLE_STATUS.has(status))) return { action: "return" };
    if (status === 429) {
        const delayMs = retryAfterMs(outcome.retryAfter, ctx.now) ?? backoffDelayMs(ctx);
        return { action: "retry", delayMs, rateLimited: true };
    }
    return { action: "retry", delayMs: backoffDelayMs(ctx), rateLimited: false };
}

/** Exponential backoff with jitter over the upper half, capped: attempt 1 waits base/2 to base. */
export function backoffDelayMs(ctx: Pick<AttemptContext, "attempt" | "policy" | "random">): number {
    const ceiling = Math.min(ctx.policy.maxDelayMs, ctx.policy.baseDelayMs * 2 ** (ctx.attempt - 1));
    return Math.round(ceiling / 2 + (ctx.random * ceiling) / 2);
}

/** Retry-After in seconds or as an HTTP date, in ms; capped so a bad header cannot stall a run. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return undefined;
    const trimmed = value.trim();
    // delay-seconds (leniently: fractions, negatives clamp to 0), or an HTTP-date, which ends in GMT.
    const ms = /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : httpDateMs(trimmed) - now;
    if (!Number.isFinite(ms)) return undefined;
    return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

// One HTTP exchange with the ISC API through got, with the retry policy that keeps a pipeline
// safe: 429 retried on every method (it was not processed), 502/503/504 and connection errors
// only where a repeat is safe, bounded attempts with jittered backoff, and errors without secrets.
import type { Got, Response } from "got";
import { AmbiguousOutcomeError, IscApiError } from "./errors";
import { RequestPacer, sleep } from "./pacing";
import { scrub } from "./redact";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RetryPolicy {
    /** Attempts in all, the first included. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** Per-attempt timeout, the whole answer included (a trickled body counts). */
    timeoutMs: number;
    /** The largest response body accepted; default MAX_RESPONSE_BYTES. */
    maxResponseBytes?: number;
}

/**
 * 32 MiB: a list of the whole tenant's tokens (about 400 bytes each) fits 80,000 of them, while a
 * runaway answer is cut off as its bytes arrive instead of filling the process's memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxAttempts: 6,
    baseDelayMs: 250,
    maxDelayMs: 20_000,
    timeoutMs: 30_000,
};

export interface HttpRequest {
    /** What the user asked for, for error messages: "create personal access token". */
    operation: string;
    method: HttpMethod;
    url: string;
    /** The path shown in errors (no host, no query values that could matter). */
    displayPath: string;
    headers?: Record<string, string>;
    body?: string;
    /** Whether sending it twice does no harm (everything but create). */
    idempotent: boolean;
    /** The rate-limit budget it counts against; none for the token endpoint. */
    budget?: string;
}

export interface HttpResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
}

/** Counters for tests and the benchmark. */
export interface HttpStats {
    attempts: number;
    retries: number;
    rateLimited: number;
}

let gotInstance: Promise<Got> | undefined;
/** got 14 is ESM-only: load it once, lazily, with a dynamic import. */
function loadGot(): Promise<Got> {
    gotInstance ??= import("got").then((m) => m.got);
    return gotInstance;
}

/** Server-side failures worth another try where a repeat is safe; on a create, the outcome is unknown. */
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/** Failures that happen before anything reached the server: always safe to repeat. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const NOT_SENT_TIMEOUT_EVENTS = new Set(["lookup", "connect", "secureConnect"]);

export class HttpTransport {
    readonly stats: HttpStats = { attempts: 0, retries: 0, rateLimited: 0 };

    constructor(
        readonly policy: RetryPolicy,
        private readonly pacer: RequestPacer,
    ) {}

    /**
     * Sends with retries. `authorize` is asked for headers before each attempt; `onUnauthorized`
     * lets the caller refresh credentials once when a 401 comes back.
     */
    async send(
        request: HttpRequest,
        authorize?: () => Promise<Record<string, string>>,
        onUnauthorized?: () => void,
    ): Promise<HttpResponse> {
        const got = await loadGot();
        let refreshedAuth = false;
        let rateLimited = false;
        for (let attempt = 1; ; attempt++) {
            // Credentials first, so that a token fetch does not hold a rate-limit slot.
            const auth = authorize ? await authorize() : {};
            const answered = request.budget
                ? await this.pacer.acquire(request.budget, { retry: rateLimited })
                : () => undefined;
            this.stats.attempts++;
            let response: Response<string>;
            const limit = this.policy.maxResponseBytes ?? MAX_RESPONSE_BYTES;
            let oversize = false;
            try {
                const pending = got(request.url, {
                    method: request.method,
                    headers: { accept: "application/json", ...request.headers, ...auth },
                    body: request.body,
                    timeout: { request: this.policy.timeoutMs },
                    retry: { limit: 0 },
                    throwHttpErrors: false,
                    followRedirect: false,
                    responseType: "text",
                });
                // Cut a body off at the limit, announced or as its (decompressed) bytes arrive.
                const cutOff = (bytes: number) => {
                    if (bytes > limit && !oversize) {
                        oversize = true;
                        pending.cancel();
                    }
                };
                pending.on("response", (r: { headers: Record<string, unknown> }) =>
                    cutOff(Number(r.headers["content-length"]) || 0),
                );
                pending.on("downloadProgress", (p: { transferred: number }) => cutOff(p.transferred));
                response = await pending;
            } catch (error) {
                answered();
                if (oversize) {
                    // Not retried: the same request would get the same answer. A create's answer
                    // was lost with it, so its outcome is unknown.
                    const Failure = request.idempotent ? IscApiError : AmbiguousOutcomeError;
                    throw new Failure({
                        ...this.details(request),
                        cause: `the response body exceeds the limit of ${limit} bytes and was cut off`,
                        hint: "No list of tokens is that large: check that the base URL points at the tenant's API (https://<tenant>.api.identitynow.com), then run again",
                    });
                }
                const failure = describeNetworkError(error);
                const safe = request.idempotent || !failure.maybeSent;
                if (!safe) {
                    throw new AmbiguousOutcomeError({
                        ...this.details(request),
                        cause: failure.text,
                        hint: "The request may or may not have been processed",
                    });
                }
                if (attempt >= this.policy.maxAttempts) {
                    throw new IscApiError({
                        ...this.details(request),
                        cause: `${failure.text}; gave up after ${attempt} attempts`,
                        hint: "Check that the base URL is reachable from here, then run again",
                    });
                }
                await this.backoff(attempt);
                continue;
            }
            answered();
            const status = response.statusCode;
            if (status === 401 && onUnauthorized && !refreshedAuth) {
                // The bearer token expired or was revoked: get a fresh one once, then try again.
                refreshedAuth = true;
                onUnauthorized();
                attempt--;
                continue;
            }
            if (RETRYABLE_STATUS.has(status) && !request.idempotent) {
                // A server or gateway error says nothing about whether the create went through.
                throw new AmbiguousOutcomeError({
                    ...this.details(request),
                    status,
                    hint: "The request may or may not have been processed",
                });
            }
            const retryable = status === 429 || RETRYABLE_STATUS.has(status);
            if (retryable && attempt < this.policy.maxAttempts) {
                if (status === 429) {
                    rateLimited = true;
                    this.stats.rateLimited++;
                    const waitMs = retryAfterMs(response.headers["retry-after"]) ?? this.delay(attempt);
                    this.stats.retries++;
                    // With a budget, the pause holds back every request of it, this one included.
                    if (request.budget) this.pacer.pause(request.budget, Date.now() + waitMs);
                    else await sleep(waitMs);
                } else {
                    await this.backoff(attempt);
                }
                continue;
            }
            if (status === 429) this.stats.rateLimited++;
            return { status, headers: response.headers, body: response.body };
        }
    }

    /** Exponential backoff with full jitter, capped. */
    private delay(attempt: number): number {
        const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
        return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    }

    private async backoff(attempt: number): Promise<void> {
        this.stats.retries++;
        await sleep(this.delay(attempt));
    }

    private details(request: HttpRequest) {
        return { operation: request.operation, method: request.method, path: request.displayPath };
    }
}

/** Retry-After in seconds or as an HTTP date, in ms; capped so a bad header cannot stall a run. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return undefined;
    const trimmed = value.trim();
    // delay-seconds (leniently: fractions, negatives clamp to 0), or an HTTP-date, which ends in GMT.
    const ms = /^-?\d+(\.\d+)?$/.test(trimmed)
        ? Number(trimmed) * 1000
        : /GMT$/.test(trimmed)
          ? Date.parse(trimmed) - now
          : Number.NaN;
    if (!Number.isFinite(ms)) return undefined;
    return Math.min(Math.max(ms, 0), 120_000);
}

function describeNetworkError(error: unknown): { text: string; maybeSent: boolean } {
    const e = error as { code?: string; name?: string; event?: string; message?: string };
    const code = e.code ?? e.name ?? "network error";
    if (e.name === "TimeoutError") {
        return {
            text: `timed out (${e.event ?? "request"})`,
            maybeSent: !NOT_SENT_TIMEOUT_EVENTS.has(e.event ?? ""),
        };
    }
    return {
        text: scrub(`${code}${e.message ? `: ${e.message}` : ""}`),
        maybeSent: !NOT_SENT_CODES.has(code),
    };
}

/** Parses a JSON body, or says clearly that the server sent something else. */
export function parseJson<T>(
    response: HttpResponse,
    request: Pick<HttpRequest, "operation" | "method" | "displayPath">,
): T {
    try {
        return JSON.parse(response.body) as T;
    } catch {
        throw new IscApiError({
            operation: request.operation,
            method: request.method,
            path: request.displayPath,
            status: response.status,
            cause: `the response body is not valid JSON (${response.body.length} bytes, content-type ${String(response.headers["content-type"] ?? "none")})`,
            hint: "Check that the base URL points at the tenant's API (https://<tenant>.api.identitynow.com) and not at a proxy or login page",
        });
    }
}

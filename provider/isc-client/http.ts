// A request to the ISC API through got, with its retries: the loop that sends each attempt, asks
// retry.ts whether and when to try again, paces through the rate-limit budget, caps bodies, and
// raises errors without secrets.
import type { ClientRequest } from "node:http";
import type { Got, Response } from "got";
import { AmbiguousOutcomeError, IscApiError } from "./errors";
import { RequestPacer, sleep } from "./pacing";
import { scrub } from "./redact";
import { decideRetry, type AttemptContext, type RetryPolicy } from "./retry";
import { timeAttempt } from "./timing";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * 32 MiB: a list of the whole tenant's tokens (about 400 bytes each) fits 80,000 of them, while a
 * runaway answer is cut off as its bytes arrive instead of filling the process's memory.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

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
            // Only the paced requests are timed (for the benchmark, when it asks): the pacer's share.
            const timing = request.budget ? timeAttempt(request.method) : undefined;
            const answered = request.budget
                ? await this.pacer.acquire(request.budget, { retry: rateLimited })
                : () => undefined;
            timing?.mark("granted");
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
                // Answered once its headers are here (got's own "response" comes after the body): the
                // slot's window starts then, as the server counted the request before it answered.
                pending.on("request", (sent: ClientRequest) => {
                    if (timing) sent.once("finish", () => timing.mark("sent"));
                    sent.once("response", () => {
                        timing?.mark("headers");
                        answered();
                    });
                });
                pending.on("downloadProgress", (p: { transferred: number }) => cutOff(p.transferred));
                response = await pending;
            } catch (error) {
                answered();
                timing?.end(null);
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
                const decision = decideRetry(
                    { kind: "network", maybeSent: failure.maybeSent },
                    this.context(request, attempt, false),
                );
                if (decision.action === "ambiguous") {
                    throw new AmbiguousOutcomeError({
                        ...this.details(request),
                        cause: failure.text,
                        hint: "The request may or may not have been processed",
                    });
                }
                if (decision.action !== "retry") {
                    throw new IscApiError({
                        ...this.details(request),
                        cause: `${failure.text}; gave up after ${attempt} attempts`,
                        hint: "Check that the base URL is reachable from here, then run again",
                    });
                }
                this.stats.retries++;
                await sleep(decision.delayMs);
                continue;
            }
            // Already counted at its headers (a second call does nothing).
            answered();
            const status = response.statusCode;
            timing?.end(status);
            const decision = decideRetry(
                { kind: "answer", status, retryAfter: response.headers["retry-after"] },
                this.context(request, attempt, onUnauthorized !== undefined && !refreshedAuth),
            );
            if (status === 429) this.stats.rateLimited++;
            switch (decision.action) {
                case "refresh-auth":
                    // The bearer token expired or was revoked: get a fresh one once, then try again.
                    refreshedAuth = true;
                    onUnauthorized?.();
                    attempt--;
                    continue;
                case "ambiguous":
                    throw new AmbiguousOutcomeError({
                        ...this.details(request),
                        status,
                        hint: "The request may or may not have been processed",
                    });
                case "retry":
                    this.stats.retries++;
                    if (decision.rateLimited && request.budget) {
                        // The pause holds back every request of the budget, this one included.
                        rateLimited = true;
                        this.pacer.pause(request.budget, this.pacer.now() + decision.delayMs);
                    } else {
                        rateLimited ||= decision.rateLimited;
                        await sleep(decision.delayMs);
                    }
                    continue;
                default:
                    return { status, headers: response.headers, body: response.body };
            }
        }
    }

    /** The facts the retry decision needs; the pacer's clock, so one clock serves dates and pauses. */
    private context(request: HttpRequest, attempt: number, mayRefreshAuth: boolean): AttemptContext {
        return {
            attempt,
            idempotent: request.idempotent,
            mayRefreshAuth,
            policy: this.policy,
            now: this.pacer.now(),
            random: Math.random(),
        };
    }

    private details(request: HttpRequest) {
        return { operation: request.operation, method: request.method, path: request.displayPath };
    }
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

// The retry decision without HTTP: which answers are tried again, on which methods, after how long.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
    DEFAULT_RETRY_POLICY,
    backoffDelayMs,
    decideRetry,
    type AttemptContext,
    type AttemptOutcome,
} from "../../provider/isc-client/retry";

const NOW = Date.UTC(2030, 0, 1);
const context = (over: Partial<AttemptContext> = {}): AttemptContext => ({
    attempt: 1,
    idempotent: true,
    mayRefreshAuth: false,
    policy: DEFAULT_RETRY_POLICY,
    now: NOW,
    random: 0.5,
    ...over,
});
const answer = (status: number, retryAfter?: string): AttemptOutcome => ({
    kind: "answer",
    status,
    retryAfter,
});

describe("retry decision", () => {
    it("returns successes and errors that a repeat would not mend", () => {
        for (const status of [200, 204, 400, 403, 404, 409]) {
            assert.deepEqual(decideRetry(answer(status), context()), { action: "return" }, `${status}`);
            assert.deepEqual(decideRetry(answer(status), context({ idempotent: false })), {
                action: "return",
            });
        }
    });

    it("a 401 fetches a new bearer token once, then is returned", () => {
        assert.deepEqual(decideRetry(answer(401), context({ mayRefreshAuth: true })), {
            action: "refresh-auth",
        });
        assert.deepEqual(decideRetry(answer(401), context({ mayRefreshAuth: false })), { action: "return" });
    });

    it("a 429 is retried on every method, honouring Retry-After", () => {
        for (const idempotent of [true, false]) {
            assert.deepEqual(decideRetry(answer(429, "3"), context({ idempotent })), {
                action: "retry",
                delayMs: 3000,
                rateLimited: true,
            });
        }
        const date = new Date(NOW + 7000).toUTCString();
        assert.equal((decideRetry(answer(429, date), context()) as { delayMs: number }).delayMs, 7000);
        // No usable header: the backoff.
        const fallback = decideRetry(answer(429, "soon"), context()) as { delayMs: number };
        assert.equal(fallback.delayMs, backoffDelayMs(context()));
    });

    it("a server error is retried where a repeat is safe, and leaves a create's outcome unknown", () => {
        for (const status of [500, 502, 503, 504]) {
            assert.equal(decideRetry(answer(status), context()).action, "retry");
            assert.deepEqual(decideRetry(answer(status), context({ idempotent: false })), {
                action: "ambiguous",
            });
        }
    });

    it("a network failure: retried where safe or not sent, ambiguous on a create that may have been sent", () => {
        const network = (maybeSent: boolean): AttemptOutcome => ({ kind: "network", maybeSent });
        assert.equal(decideRetry(network(true), context()).action, "retry");
        assert.equal(decideRetry(network(false), context({ idempotent: false })).action, "retry");
        assert.deepEqual(decideRetry(network(true), context({ idempotent: false })), { action: "ambiguous" });
        const last = context({ attempt: DEFAULT_RETRY_POLICY.maxAttempts });
        assert.deepEqual(decideRetry(network(true), last), { action: "give-up" });
    });

    it("attempts are bounded: the last answer is returned, never retried", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(429, 500, 502, 503, 504, 400, 401),
                fc.integer({ min: 1, max: 20 }),
                fc.boolean(),
                (status, attempt, idempotent) => {
                    const decision = decideRetry(answer(status, "1"), context({ attempt, idempotent }));
                    if (attempt >= DEFAULT_RETRY_POLICY.maxAttempts)
                        assert.notEqual(decision.action, "retry");
                },
            ),
        );
    });

    it("backoff grows exponentially within its cap, jittered over its upper half", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 30 }),
                fc.double({ min: 0, max: 0.999, noNaN: true }),
                (attempt, random) => {
                    const { baseDelayMs, maxDelayMs } = DEFAULT_RETRY_POLICY;
                    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
                    const delay = backoffDelayMs({ attempt, random, policy: DEFAULT_RETRY_POLICY });
                    assert.ok(delay >= Math.floor(ceiling / 2) && delay <= ceiling, `${attempt}: ${delay}`);
                },
            ),
        );
    });
});

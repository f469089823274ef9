// The engine's lanes as the provider sees them (bench/lanes.ts): how many calls it held at once, and how
// long a freed lane stood idle before the engine's next call.
import assert from "node:assert/strict";
import fc from "fast-check";
import { callSpans, laneFigures, maxInFlight, turnarounds, type CallSpan } from "../../bench/lanes";
import type { RequestTiming } from "../../provider/isc-client/timing";

/** One request of the call that reached the provider at `callAt`, sent at `sentAt`, answered 5 ms later. */
function request(callAt: number | null, sentAt: number, call = "create"): RequestTiming {
    return {
        pid: 1,
        call: callAt === null ? null : call,
        callAt,
        method: "GET",
        queuedAt: sentAt,
        grantedAt: sentAt,
        sentAt,
        headersAt: sentAt + 5,
        status: 200,
    };
}

/** A create: the list at its arrival, the POST 10 ms later. */
const create = (callAt: number) => [request(callAt, callAt), request(callAt, callAt + 10)];

describe("engine lanes (bench/lanes.ts)", () => {
    it("a call spans from its arrival to its last answer's headers; lines outside a call are left out", () => {
        const spans = callSpans([...create(100), ...create(0), request(null, 50)]);
        assert.deepEqual(spans, [
            { startMs: 0, endMs: 15, requests: 2 },
            { startMs: 100, endMs: 115, requests: 2 },
        ]);
    });

    it("two calls of the same instant in two processes are two calls", () => {
        const other = create(0).map((r) => ({ ...r, pid: 2 }));
        assert.equal(callSpans([...create(0), ...other]).length, 2);
    });

    it("8 lanes: 200 creates, each next call 3 ms after a lane frees, are 8 at once and wait 3 ms", () => {
        // Lane k carries calls k, k + 8, ...: each 15 ms of requests, then 3 ms of the engine's.
        const records = Array.from({ length: 200 }, (_, i) =>
            create((i % 8) + Math.floor(i / 8) * 18),
        ).flat();
        const figures = laneFigures(records);
        assert.equal(figures.calls, 200);
        assert.equal(figures.maxInFlight, 8);
        assert.deepEqual(figures.turnaroundMs, { first: 3, last: 3, all: 3 });
    });

    it("a wait that grows over the run shows in the last quarter", () => {
        // One lane; the gap after call i is i ms (a state that grows with every step).
        let at = 0;
        const spans: CallSpan[] = [];
        for (let i = 0; i < 8; i++) {
            spans.push({ startMs: at, endMs: at + 10, requests: 1 });
            at += 10 + i;
        }
        assert.equal(maxInFlight(spans), 1);
        assert.deepEqual(turnarounds(spans, 1), [0, 1, 2, 3, 4, 5, 6]);
        const records = spans.map((s) => request(s.startMs, s.endMs - 5));
        assert.deepEqual(laneFigures(records).turnaroundMs, { first: 0, last: 6, all: 3 });
    });

    it("a call that ends as another starts does not overlap it", () => {
        const spans = [
            { startMs: 0, endMs: 10, requests: 1 },
            { startMs: 10, endMs: 20, requests: 1 },
        ];
        assert.equal(maxInFlight(spans), 1);
    });

    it("no calls: none at once, no turnaround", () => {
        assert.deepEqual(laneFigures([request(null, 0)]), { calls: 0, maxInFlight: 0, turnaroundMs: null });
    });

    it("property: the most at once is the largest count of spans open at any start, and no wait is negative", () => {
        const span = fc
            .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 200 }))
            .map(([startMs, length]) => ({ startMs, endMs: startMs + length, requests: 1 }));
        fc.assert(
            fc.property(fc.array(span, { minLength: 1, maxLength: 60 }), (spans) => {
                const most = maxInFlight(spans);
                const open = (t: number) => spans.filter((s) => s.startMs <= t && t < s.endMs).length;
                assert.equal(most, Math.max(...spans.map((s) => open(s.startMs))));
                for (const wait of turnarounds(spans, most)) assert.ok(wait >= 0);
            }),
        );
    });
});

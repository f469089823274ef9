// Whose the pacing lag is (bench/lag.ts): the provider's timing of each request beside its arrival at
// the API, split into the engine's share (its call had not come), the provider's, the pacer's hold and
// the sending; the shares add up over the windows as the lag does, and sum to it.
import assert from "node:assert/strict";
import fc from "fast-check";
import { pacingFigures } from "../../bench/engine";
import { lagSplit } from "../../bench/lag";
import type { RequestTiming } from "../../provider/isc-client/timing";

const LIMITS = { requests: 100, windowMs: 10_000 };

/** A request answered 200, its marks given as offsets (ms) from `sentAt`. */
function timing(
    sentAt: number,
    marks: { call?: number | null; queued?: number; granted?: number } = {},
): RequestTiming {
    const queuedAt = sentAt - (marks.queued ?? 0);
    return {
        pid: 1,
        call: marks.call === null ? null : "create",
        callAt: marks.call === null ? null : queuedAt - (marks.call ?? 0),
        method: "POST",
        queuedAt,
        grantedAt: sentAt - (marks.granted ?? 0),
        sentAt,
        headersAt: sentAt + 5,
        status: 201,
    };
}

describe("lag split (bench/lag.ts)", () => {
    // The first window: 100 requests over 1 s, sent as soon as asked.
    const first = Array.from({ length: 100 }, (_, i) => i * 10);
    const firstTimings = first.map((t) => timing(t));

    it("a request whose engine call came late is the engine's; one the pacer held past its room is the pacer's", () => {
        // Request 100 had room at 10 s: it was queued then, and the pacer held it to 10.1 s.
        // Request 101 had room at 10.01 s; its call came at 10.5 s and it went at once.
        const arrivals = [...first, 10_101, 10_501];
        const timings = [
            ...firstTimings,
            timing(10_500, { call: 0, queued: 0, granted: 0 }),
            timing(10_100, { call: 100, queued: 100, granted: 0 }),
        ];
        const split = lagSplit(arrivals, timings, LIMITS);
        assert.ok(split);
        assert.equal(split.requests, 102);
        assert.deepEqual(split.worst, { lagS: 0.49, engineS: 0.49, providerS: 0, pacerS: 0, sendingS: 0 });
        assert.equal(split.pacerLagS, 0.1);
        // Its own rule let it go a window after the first answer's headers (10.005 s).
        assert.equal(split.pacerPastAnswersS, 0.1);
        assert.equal(split.engineLagS, 0.49);
        assert.equal(split.worst.lagS, pacingFigures(arrivals).lagS);
    });

    it("shares add up over the windows: a hold in the second window carries into the third", () => {
        // Every later request went 0.1 s after its room, held by the pacer, whose call and queueing came at the room.
        const later = (k: number) => first.map((t) => t + k * 10_000 + k * 100);
        const arrivals = [...first, ...later(1), ...later(2)];
        const timings = [
            ...firstTimings,
            ...[...later(1), ...later(2)].map((t) => timing(t, { call: 0, queued: 100, granted: 0 })),
        ];
        const split = lagSplit(arrivals, timings, LIMITS);
        assert.ok(split);
        assert.equal(split.pacerLagS, 0.2);
        // Past its own rule, each hold is its own: it does not add up.
        assert.equal(split.pacerPastAnswersS, 0.1);
        assert.deepEqual(split.last, { lagS: 0.2, engineS: 0, providerS: 0, pacerS: 0.2, sendingS: 0 });
        assert.equal(split.last.lagS, pacingFigures(arrivals).lagS);
    });

    it("the provider's work before the pacer, the sending, and a request outside a call", () => {
        // Room at 10 s: the call came then, the provider listed until 10.2 s, the pacer granted at once,
        // and it reached the API 0.05 s after the grant. Another, outside any call, queued at 10.3 s.
        const arrivals = [...first, 10_250, 10_310];
        const timings = [
            ...firstTimings,
            timing(10_210, { call: 200, queued: 10, granted: 10 }),
            timing(10_300, { call: null, queued: 0, granted: 0 }),
        ];
        const split = lagSplit(arrivals, timings, LIMITS);
        assert.ok(split);
        assert.deepEqual(split.last, { lagS: 0.3, engineS: 0.29, providerS: 0, pacerS: 0, sendingS: 0.01 });
        const second = lagSplit(arrivals.slice(0, 101), timings.slice(0, 101), LIMITS);
        assert.deepEqual(second?.last, { lagS: 0.25, engineS: 0, providerS: 0.2, pacerS: 0, sendingS: 0.05 });
    });

    it("pairs nothing when the counts differ, and needs more than one window", () => {
        assert.equal(lagSplit([...first, 10_000], firstTimings, LIMITS), null);
        assert.equal(lagSplit(first, firstTimings, LIMITS), null);
        // A 429's attempt and a network failure are not arrivals the API counted.
        const refused = { ...timing(10_000), status: 429 };
        const lost = { ...timing(10_000), status: null };
        assert.ok(lagSplit([...first, 10_001], [...firstTimings, refused, lost, timing(10_000)], LIMITS));
    });

    it("the shares of every request sum to its lag, the lag pacingFigures reports (property)", () => {
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        gap: fc.integer({ min: 0, max: 400 }),
                        call: fc.integer({ min: 0, max: 300 }),
                        queued: fc.integer({ min: 0, max: 300 }),
                        granted: fc.integer({ min: 0, max: 300 }),
                        sending: fc.integer({ min: 0, max: 30 }),
                    }),
                    { minLength: 101, maxLength: 260 },
                ),
                (steps) => {
                    let sent = 0;
                    const timings: RequestTiming[] = [];
                    const arrivals: number[] = [];
                    for (const [i, s] of steps.entries()) {
                        // After the first window, a request never arrives before the API has room for it.
                        const room = i >= 100 ? arrivals[i - 100] + 10_000 : 0;
                        sent = Math.max(sent + s.gap, room);
                        const granted = Math.min(s.granted, s.queued);
                        timings.push(timing(sent, { call: s.call, queued: s.queued, granted }));
                        // Arrivals in the order of sending, as the pairing assumes.
                        arrivals.push(Math.max(sent + s.sending, arrivals[i - 1] ?? 0));
                    }
                    const split = lagSplit(arrivals, timings, LIMITS);
                    assert.ok(split);
                    const { lagS, engineS, providerS, pacerS, sendingS } = split.worst;
                    assert.ok(Math.abs(engineS + providerS + pacerS + sendingS - lagS) <= 0.03);
                    assert.ok(Math.abs(lagS - (pacingFigures(arrivals).lagS as number)) <= 0.011);
                    for (const share of [engineS, providerS, pacerS, sendingS]) assert.ok(share >= -0.005);
                },
            ),
        );
    });
});

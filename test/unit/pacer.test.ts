// The pacer's decisions on an explicit clock: how many slots are free (ledger.ts's freeSlots, pure),
// every freed slot handed out at once (one reservation of the ledger, one instant), callers served
// in order with a 429's retry first, and an answer counted once.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { freeSlots } from "../../provider/isc-client/ledger";
import { RequestPacer, sleep } from "../../provider/isc-client/pacing";

const LIMITS = { requests: 3, windowMs: 100, marginMs: 50 };

describe("pacer", () => {
    describe("freeSlots (pure)", () => {
        it("counts a request until a window after its answer; a full budget frees a window and the margin after its oldest answer", () => {
            const now = 10_000;
            assert.deepEqual(freeSlots([], now, LIMITS), { free: 3, nextAt: now });
            assert.deepEqual(freeSlots([now - 100, now - 50], now, LIMITS), { free: 2, nextAt: now });
            assert.deepEqual(freeSlots([now - 60, Infinity, now - 10], now, LIMITS), {
                free: 0,
                nextAt: now - 60 + 150,
            });
            assert.deepEqual(freeSlots([Infinity, Infinity, Infinity], now, LIMITS), {
                free: 0,
                nextAt: Infinity,
            });
        });

        it("never frees more than the limit allows, and a slot is free again by nextAt (property)", () => {
            fc.assert(
                fc.property(
                    fc.array(fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(Infinity)), {
                        maxLength: 8,
                    }),
                    fc.integer({ min: 0, max: 400 }),
                    (ends, now) => {
                        const { free, nextAt } = freeSlots(ends, now, LIMITS);
                        const busy = ends.filter((e) => e > now - LIMITS.windowMs).length;
                        assert.equal(free, Math.max(0, LIMITS.requests - busy));
                        if (free > 0) assert.equal(nextAt, now);
                        else if (Number.isFinite(nextAt))
                            assert.ok(freeSlots(ends, nextAt, LIMITS).free >= 1);
                    },
                ),
            );
        });
    });

    describe("RequestPacer", () => {
        let dir: string;
        beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pacer-"))));
        afterEach(() => rmSync(dir, { recursive: true, force: true }));

        it("hands every freed slot out at once: one reservation of the machine's ledger, at one instant", async () => {
            // A clock that moves a millisecond at each reading, as time passes while the pacer works.
            let now = 1_000;
            const clock = () => now++;
            const pacer = new RequestPacer({ requests: 3, windowMs: 100 }, clock, {
                shared: true,
                ledgerDir: join(dir, "ledgers"),
            });
            const first = await Promise.all([1, 2, 3].map(() => pacer.acquire("k")));
            const granted: number[] = [];
            const waiting = [4, 5, 6].map((n) => pacer.acquire("k").then(() => granted.push(n)));
            for (const answered of first) answered();
            // Past every window (the pacer's timer reads the moved clock).
            now += 1_000;
            await Promise.all(waiting);
            assert.deepEqual(granted, [4, 5, 6], "in order");
            const [file] = readdirSync(join(dir, "ledgers")).filter((n) => n.endsWith(".ledger"));
            const sends = readFileSync(join(dir, "ledgers", file), "utf8")
                .split("\n")
                .filter((line) => line.split(" ")[1] === "s")
                .map((line) => Number(line.split(" ")[2]));
            assert.equal(sends.length, 6);
            assert.equal(new Set(sends.slice(3)).size, 1, `the three freed slots went out at once: ${sends}`);
        });

        it("serves callers in order, a 429's retry first, each freed slot to the head of the queue", async () => {
            let now = 1_000;
            const pacer = new RequestPacer({ requests: 2, windowMs: 100 }, () => now);
            const [a, b] = await Promise.all([pacer.acquire("k"), pacer.acquire("k")]);
            const order: string[] = [];
            const later = pacer.acquire("k").then((answered) => (order.push("later"), answered));
            const last = pacer.acquire("k").then((answered) => (order.push("last"), answered));
            const retry = pacer
                .acquire("k", { retry: true })
                .then((answered) => (order.push("retry"), answered));
            a();
            now += 150;
            await retry;
            assert.deepEqual(order, ["retry"], "one slot freed: the retry took it");
            b();
            now += 150;
            await later;
            // Answered twice: counted once (a second call does nothing, the slot's end stays).
            b();
            (await retry)();
            (await later)();
            now += 150;
            await last;
            assert.deepEqual(order, ["retry", "later", "last"]);
        });

        it("an answer counts once: a second call does not move the slot's end", async () => {
            let now = 1_000;
            const pacer = new RequestPacer({ requests: 1, windowMs: 100 }, () => now);
            const answered = await pacer.acquire("k");
            answered();
            let granted = false;
            const next = pacer.acquire("k").then(() => (granted = true));
            now += 100;
            // Called again later (the transport calls it at the headers, then after the body).
            answered();
            now += 50;
            // The pacer's timer (150 ms of the clock from the first answer) has fired by then.
            await sleep(300);
            assert.ok(granted, "the slot freed a window after the first answer, not the second");
            await next;
        });
    });
});

// Pacing: one process stays under the API's rate limit instead of living on 429s; and a lost
// create whose token appears only after the provider looked still ends with one token.
import assert from "node:assert/strict";
import type { CheckedInputs } from "../../provider/rules/types";
import { createToken, inDays, startHarness, type Harness } from "../support/harness";

describe("pacing and slow creates", function () {
    this.timeout(120_000);
    let h: Harness;
    afterEach(async () => {
        await h.emulator.stop();
    });

    it("130 concurrent requests against the real limit (100 per 10 s) get no 429", async () => {
        // One owner makes 130 tokens: the emulator's per-owner cap (10, as in the product) is off here.
        h = await startHarness({ rateLimit: { requests: 100, windowSeconds: 10 }, maxTokensPerOwner: null });
        const p = h.provider({ rateLimit: undefined });
        const { inputs } = await p.check({}, { name: "paced", expirationDate: inDays(30) });
        const names = Array.from({ length: 130 }, (_, i) => `paced-${i}`);
        await Promise.all(names.map((name) => p.create({ ...(inputs as CheckedInputs), name })));
        assert.equal(h.emulator.tokens().length, 130);
        assert.equal(h.emulator.requests.filter((r) => r.status === 429).length, 0);
    });

    it("a create slower than the client's timeout ends with exactly one token", async () => {
        h = await startHarness();
        h.emulator.faults.add({ kind: "delay", method: "POST", delayMs: 1_500, times: 1 });
        const p = h.provider();
        const { id, outs } = await createToken(p, { name: "slow", expirationDate: inDays(30) });
        await h.emulator.idle();
        assert.deepEqual(
            h.emulator.tokens().map((t) => t.id),
            [id],
        );
        assert.ok(h.emulator.verifySecret(id, outs.secret));
    });
});

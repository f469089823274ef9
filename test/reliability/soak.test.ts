// A soak: the full lifecycle of 200 tokens while a quarter of the API's answers are faults (429,
// 500, 502, 503, connections reset before or after processing) and bearer tokens expire mid-run.
// Failed operations are rerun, as a pipeline would rerun `pulumi up`. Afterwards every token the
// state claims exists exactly once at the emulator with the secret the state holds, nothing else
// exists, and no captured text holds a secret. Bounded: 200 tokens (40 in the clock-ahead reruns,
// test/support/scale.ts), 10 reruns per phase.
import assert from "node:assert/strict";
import { TokenInitializationError } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { inDays, startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { atScale } from "../support/scale";

const TOKENS = atScale(200, 40);
const CONCURRENCY = 20;
const MAX_RERUNS = 10;

interface Tracked {
    id: string;
    outs: TokenOutputs;
}

/** Runs `work` over `items`, CONCURRENCY at a time; returns the items whose work failed. */
async function pass<T>(items: T[], work: (item: T) => Promise<void>): Promise<T[]> {
    const failed: T[] = [];
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const item = items[next++];
            try {
                await work(item);
            } catch (error) {
                hygiene.error("soak", error);
                failed.push(item);
            }
        }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return failed;
}

/** Reruns failed items, like a pipeline rerunning `pulumi up`, until all succeed. */
async function converge<T>(phase: string, items: T[], work: (item: T) => Promise<void>): Promise<number> {
    let pending = items;
    for (let run = 1; run <= MAX_RERUNS; run++) {
        pending = await pass(pending, work);
        if (pending.length === 0) return run;
    }
    throw new Error(`${phase}: ${pending.length} operations still failing after ${MAX_RERUNS} runs`);
}

describe(`soak: ${TOKENS} tokens through faults`, function () {
    this.timeout(300_000);
    let h: Harness;
    before(async () => {
        // One owner holds them all: the emulator's per-owner cap (10, as in the product) is off here.
        h = await startHarness({ seed: 20261123, maxTokensPerOwner: null });
    });
    after(async () => {
        await h.emulator.stop();
    });

    it("ends with exactly the tokens the state claims, each secret valid, nothing leaked", async () => {
        const provider = h.provider();
        const state = new Map<string, Tracked>();
        const names = Array.from({ length: TOKENS }, (_, i) => `soak-${String(i).padStart(3, "0")}`);
        const expiry = inDays(30);
        h.emulator.faults.add({
            kind: ["429", "500", "502", "503", "reset-before", "reset-after"],
            probability: 0.25,
            retryAfterSeconds: 0,
        });

        // up: create every token (or, for one tracked without a secret, replace it).
        const up = async (name: string) => {
            const tracked = state.get(name);
            if (tracked?.outs.secret) return;
            const { inputs } = await provider.check({}, { name, expirationDate: expiry });
            if (tracked) {
                const diff = await provider.diff(tracked.id, tracked.outs, inputs as CheckedInputs);
                assert.ok(diff.replaces?.includes("secret") && diff.deleteBeforeReplace);
                await provider.delete(tracked.id, tracked.outs);
                state.delete(name);
            }
            try {
                const created = await provider.create(inputs as CheckedInputs);
                hygiene.secret(created.outs?.secret);
                state.set(name, { id: created.id, outs: created.outs as TokenOutputs });
            } catch (error) {
                // The engine's "initialization failed" path: the token is tracked, without a secret.
                if (error instanceof TokenInitializationError) {
                    state.set(name, { id: error.id, outs: error.properties as TokenOutputs });
                }
                throw error;
            }
        };
        await converge("create", names, up);
        h.emulator.expireBearerTokens();

        // refresh: every token is found; none is reported gone.
        await converge("refresh", names, async (name) => {
            const tracked = state.get(name) as Tracked;
            const read = await provider.read(tracked.id, tracked.outs);
            assert.equal(read.id, tracked.id, `${name} is still there`);
            state.set(name, { id: tracked.id, outs: read.props as TokenOutputs });
        });

        // update: rename every token in place.
        await converge("rename", names, async (name) => {
            const tracked = state.get(name) as Tracked;
            if (tracked.outs.name === `${name}-renamed`) return;
            const { inputs } = await provider.check({}, { name: `${name}-renamed`, expirationDate: expiry });
            const updated = await provider.update(tracked.id, tracked.outs, inputs as CheckedInputs);
            state.set(name, { id: tracked.id, outs: updated.outs as TokenOutputs });
        });
        h.emulator.expireBearerTokens();

        // destroy half of them.
        const doomed = names.filter((_, i) => i % 2 === 0);
        await converge("delete", doomed, async (name) => {
            const tracked = state.get(name) as Tracked;
            await provider.delete(tracked.id, tracked.outs);
            state.delete(name);
        });

        const faulted = h.emulator.requests.filter((r) => r.operation !== "token" && r.faulted).length;
        const total = h.emulator.requests.filter((r) => r.operation !== "token").length;
        assert.ok(faulted / total >= 0.2, `${faulted} of ${total} API requests faulted`);

        h.emulator.faults.clear();
        await h.emulator.idle();
        const live = h.emulator.tokens();
        assert.equal(live.length, TOKENS / 2, "nothing else exists");
        assert.deepEqual(new Set(live.map((t) => t.id)), new Set([...state.values()].map((t) => t.id)));
        for (const [name, tracked] of state) {
            const token = live.find((t) => t.id === tracked.id);
            assert.equal(token?.name, `${name}-renamed`);
            assert.ok(
                h.emulator.verifySecret(tracked.id, tracked.outs.secret),
                `the state holds ${name}'s secret`,
            );
        }
        assert.deepEqual(hygiene.leaks(), []);
    });
});

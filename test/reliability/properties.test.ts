// Property-based: random sequences of create, update, read and delete through the provider's
// lifecycle methods (in-process, against the emulator over HTTP), each step under random faults
// from FAULT_MENU, on a server clock that may be minutes off, beside foreign tokens of the same
// names. After each sequence:
//  - after a refresh, every token the state claims exists once, with the state's secret when the
//    state has one;
//  - no other token of this owner exists that we made, unless an error says it is left at the API
//    and why (its id in the provider's words for a token it leaves, or its name and the time from
//    which it was made); every token we made otherwise was cleaned up;
//  - no foreign token was touched (same id, name, fields and secret);
//  - a read that says "gone" is true;
//  - no error message holds a secret.
// The seed is random per run and printed with every failure (rerun with PROPERTY_SEED=<seed>);
// the seeds in properties.seeds.json, which once failed, replay on every run.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { FaultRule } from "../../emulator";
import { TokenInitializationError } from "../../provider";
import { exhaustedMessage, foreignTokenMessage, unverifiedMessage } from "../../provider/rules/lost-create";
import type { TokenRecord } from "../../wire/api-types";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, inDays, startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import corpus from "./properties.seeds.json";

/** The faults a step may meet. More kinds can be added here. */
const FAULT_MENU: readonly FaultRule[] = [
    { kind: "reset-after", method: "POST", times: 1 },
    { kind: "reset-before", method: "POST", times: 1 },
    { kind: "500", method: "POST", times: 1 },
    { kind: "503", method: "POST", times: 1 },
    { kind: "429", times: 2, retryAfterSeconds: 0 },
    { kind: "create-200-nonjson", times: 1 },
    { kind: "create-200-null", times: 1 },
    { kind: "create-200-empty-object", times: 1 },
    // A clean-up (or any) delete that keeps failing: the engine's "initialization failed" path.
    { kind: "500", method: "DELETE", times: 6 },
    // A follow-up list that fails six times, and one that does not answer at all during the step.
    { kind: "500", method: "GET", times: 6 },
    { kind: "503", method: "GET", times: 30 },
    { kind: "reset-after", method: "PATCH", times: 1 },
    { kind: "reset-after", method: "DELETE", times: 1 },
    { kind: "502", method: "GET", times: 2 },
];

const SLOTS = 3;
const EXPIRY_DAYS = 20;

type Op = "create" | "update" | "read" | "delete";
interface Step {
    op: Op;
    slot: number;
    faults: number[];
}
interface Scenario {
    clockOffsetMs: number;
    /** Per slot: no foreign token, one of the slot's name, or one of its rename. */
    foreign: ("none" | "same" | "renamed")[];
    steps: Step[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
    clockOffsetMs: fc.constantFrom(0, -300_000, 300_000),
    foreign: fc.array(
        fc.constantFrom("none" as const, "none" as const, "same" as const, "renamed" as const),
        {
            minLength: SLOTS,
            maxLength: SLOTS,
        },
    ),
    steps: fc.array(
        fc.record({
            op: fc.constantFrom<Op>("create", "create", "update", "read", "delete"),
            slot: fc.nat({ max: SLOTS - 1 }),
            faults: fc.array(fc.nat({ max: FAULT_MENU.length - 1 }), { maxLength: 2 }),
        }),
        { minLength: 2, maxLength: 8 },
    ),
});

interface Tracked {
    id: string;
    outs: TokenOutputs;
}

interface Foreign {
    record: TokenRecord;
    secret: string;
}

/** What the errors say is left at the API: ids, and names with the server time from which a token may have been made. */
interface Excused {
    ids: Set<string>;
    windows: { name: string; since: number }[];
}

/**
 * The provider's words for a token it leaves at the API, each with the reason: a token of the name
 * it cannot prove it made (lost-create.ts, foreignTokenMessage), and a lost create's token whose
 * delete failed (provider.ts, deleteUnknowable). Any other mention of an id excuses nothing: an
 * error that says "deleted ... id X" while X lives fails the test.
 */
const LEFT_AT_API = [
    /\(id ([0-9a-f]{32}), created \S+: [^;]+?\); it was left alone/g,
    /\(id ([0-9a-f]{32}), created \S+\) was created but its secret was lost in transit, and deleting it failed: [\s\S]+?\. It is kept in the state without a secret/g,
];
/** unverifiedMessage: the token is unknown, named by name and the time from which it was made. */
const UNVERIFIED =
    /a token named "([^"]+)" created at or after (\S+) \(server clock\) is this run's, and its secret is lost/g;

function excuse(excused: Excused, message: string): void {
    for (const pattern of LEFT_AT_API) for (const m of message.matchAll(pattern)) excused.ids.add(m[1]);
    for (const m of message.matchAll(UNVERIFIED)) {
        excused.windows.push({ name: m[1], since: Date.parse(m[2]) });
    }
}

/** Across all runs, so that the test shows it met what it is about. */
const seen = { runs: 0, faultedCreates: 0, errors: 0 };

async function runScenario(s: Scenario, seed: number): Promise<void> {
    const h: Harness = await startHarness({ seed, clockOffsetMs: s.clockOffsetMs });
    try {
        const provider = h.provider();
        const expirationDate = inDays(EXPIRY_DAYS);
        const nameOf = (slot: number, renamed: boolean) => `slot-${slot}${renamed ? "-b" : ""}`;

        // The owner, then foreign tokens of the same names and fields (another stack's), made before.
        const probe = await createToken(provider, { name: "probe", expirationDate });
        h.emulator.deleteToken(probe.id);
        const foreign: Foreign[] = [];
        s.foreign.forEach((kind, slot) => {
            if (kind === "none") return;
            const made = h.emulator.createToken(probe.outs.owner.id, {
                name: nameOf(slot, kind === "renamed"),
                expirationDate,
            });
            hygiene.secret(made.secret);
            const { secret, ...record } = made;
            foreign.push({ record, secret });
        });
        h.emulator.clock.advance(2_000);

        const state = new Map<number, Tracked>();
        const excused: Excused = { ids: new Set(), windows: [] };
        const messages: string[] = [];
        const fail = (error: unknown) => {
            const message = hygiene.error("property", error as Error).message;
            messages.push(message);
            excuse(excused, message);
        };

        for (const step of s.steps) {
            for (const f of step.faults) h.emulator.faults.add({ ...FAULT_MENU[f] });
            const tracked = state.get(step.slot);
            try {
                switch (step.op) {
                    case "create": {
                        if (tracked?.outs.secret) break;
                        const { inputs } = await provider.check(
                            {},
                            { name: nameOf(step.slot, false), expirationDate },
                        );
                        if (tracked) {
                            // As the engine does for a token without a secret: replace, delete first.
                            const diff = await provider.diff(
                                tracked.id,
                                tracked.outs,
                                inputs as CheckedInputs,
                            );
                            assert.ok(diff.replaces?.includes("secret") && diff.deleteBeforeReplace);
                            await provider.delete(tracked.id, tracked.outs);
                            state.delete(step.slot);
                        }
                        try {
                            const created = await provider.create(inputs as CheckedInputs);
                            hygiene.secret(created.outs?.secret);
                            state.set(step.slot, { id: created.id, outs: created.outs as TokenOutputs });
                        } catch (error) {
                            if (error instanceof TokenInitializationError) {
                                state.set(step.slot, {
                                    id: error.id,
                                    outs: error.properties as TokenOutputs,
                                });
                            }
                            throw error;
                        }
                        break;
                    }
                    case "update": {
                        if (!tracked?.outs.secret) break;
                        const renamed = tracked.outs.name === nameOf(step.slot, false);
                        const { inputs } = await provider.check(
                            {},
                            { name: nameOf(step.slot, renamed), expirationDate: tracked.outs.expirationDate },
                        );
                        const updated = await provider.update(
                            tracked.id,
                            tracked.outs,
                            inputs as CheckedInputs,
                        );
                        state.set(step.slot, { id: tracked.id, outs: updated.outs as TokenOutputs });
                        break;
                    }
                    case "read": {
                        if (!tracked) break;
                        const read = await provider.read(tracked.id, tracked.outs);
                        if (read.id === undefined) {
                            await h.emulator.idle();
                            assert.ok(
                                !h.emulator.tokens().some((t) => t.id === tracked.id),
                                `read said ${tracked.id} is gone, but it exists`,
                            );
                            state.delete(step.slot);
                        } else {
                            state.set(step.slot, { id: tracked.id, outs: read.props as TokenOutputs });
                        }
                        break;
                    }
                    case "delete": {
                        if (!tracked) break;
                        await provider.delete(tracked.id, tracked.outs);
                        state.delete(step.slot);
                        break;
                    }
                }
            } catch (error) {
                if (error instanceof assert.AssertionError) throw error;
                fail(error);
            } finally {
                h.emulator.faults.clear();
            }
        }

        // A failed delete may have deleted (its answer lost): like the engine, the state keeps the
        // token until a refresh, which must tell the truth. Refresh once, without faults.
        await h.emulator.idle();
        for (const [slot, t] of [...state]) {
            const read = await provider.read(t.id, t.outs);
            if (read.id === undefined) {
                assert.ok(!h.emulator.tokens().some((x) => x.id === t.id), `refresh says ${t.id} is gone`);
                state.delete(slot);
            } else {
                state.set(slot, { id: t.id, outs: read.props as TokenOutputs });
            }
        }
        seen.runs++;
        seen.faultedCreates += h.emulator.requests.filter(
            (r) => r.operation === "create" && r.faulted,
        ).length;
        seen.errors += messages.length;
        const live = h.emulator.tokens();
        const liveIds = live.map((t) => t.id);
        // Every token the state claims exists once, with the state's secret.
        for (const [slot, t] of state) {
            assert.equal(
                liveIds.filter((id) => id === t.id).length,
                1,
                `slot ${slot}'s token ${t.id} exists once`,
            );
            if (t.outs.secret)
                assert.ok(h.emulator.verifySecret(t.id, t.outs.secret), `slot ${slot}'s secret`);
        }
        // No foreign token touched.
        for (const f of foreign) {
            const now = live.find((t) => t.id === f.record.id);
            assert.ok(now, `foreign token ${f.record.name} (${f.record.id}) still exists`);
            assert.deepEqual({ ...now, lastUsed: null }, { ...f.record, lastUsed: null });
            assert.ok(h.emulator.verifySecret(f.record.id, f.secret));
        }
        // Nothing else, unless an error named it.
        const known = new Set([...[...state.values()].map((t) => t.id), ...foreign.map((f) => f.record.id)]);
        for (const t of live) {
            if (known.has(t.id) || excused.ids.has(t.id)) continue;
            const named = excused.windows.some((w) => w.name === t.name && Date.parse(t.created) >= w.since);
            assert.ok(
                named,
                `token ${t.name} (${t.id}) is neither in the state nor named by an error:\n${messages.join("\n")}`,
            );
        }
        // No secret in any message.
        const secrets = [
            h.clientSecret,
            ...foreign.map((f) => f.secret),
            ...[...state.values()].map((t) => t.outs.secret),
        ];
        for (const message of messages) {
            for (const secret of secrets)
                if (secret) assert.ok(!message.includes(secret), "a message holds a secret");
        }
    } finally {
        await h.emulator.stop();
    }
}

/** Runs `numRuns` sequences from `seed` (or replays one, by fast-check's path); a failure names its seed. */
async function check(seed: number, options: { numRuns: number; path?: string }): Promise<void> {
    try {
        await fc.assert(fc.asyncProperty(scenario, fc.integer({ min: 1, max: 1_000_000 }), runScenario), {
            seed,
            ...options,
        });
    } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        throw new Error(
            `${(error as Error).message}\n${cause?.message ?? ""}\nRerun with PROPERTY_SEED=${seed}; ` +
                `once fixed, add { seed, path } from above to test/reliability/properties.seeds.json`,
        );
    }
}

describe("property: lifecycle sequences under random faults keep every promise", function () {
    this.timeout(300_000);

    it("state, API and messages agree after every sequence", async () => {
        const seed = process.env.PROPERTY_SEED
            ? Number(process.env.PROPERTY_SEED)
            : Date.now() % 2_147_483_647;
        await check(seed, { numRuns: Number(process.env.PROPERTY_RUNS ?? 30) });
        if (process.env.PROPERTY_RUNS) console.log(seen);
        assert.ok(seen.faultedCreates > 0 && seen.errors > 0, `met ${JSON.stringify(seen)}`);
        assert.deepEqual(hygiene.leaks(), []);
    });

    it("excuses a live token only where the provider's words say it is left at the API, and why", () => {
        const id = "0123456789abcdef0123456789abcdef";
        const created = new Date().toISOString();
        const token = { id, name: "slot-0", created } as TokenRecord;
        const reason = `it was created before this create began (at or after ${created}, server clock)`;
        const excusedBy = (message: string) => {
            const excused: Excused = { ids: new Set(), windows: [] };
            excuse(excused, message);
            return excused;
        };
        const left = foreignTokenMessage("create failed", "v2025", { token, ours: false, reason });
        assert.deepEqual([...excusedBy(left).ids], [id]);
        const deleted = exhaustedMessage("create failed", 3, [token], undefined);
        assert.match(deleted, new RegExp(`id ${id}`));
        assert.deepEqual([...excusedBy(deleted).ids], [], "a claim that it was deleted excuses nothing");
        const unknown = unverifiedMessage("create failed", "HTTP 500", "v2025", "slot-0", 1_000, 0);
        assert.deepEqual(excusedBy(unknown).windows, [{ name: "slot-0", since: 1_000 }]);
    });

    for (const { seed, path, failed } of corpus) {
        it(`seed ${seed} (once failed: ${failed}) still passes`, async () => {
            await check(seed, { path, numRuns: 1 });
            assert.deepEqual(hygiene.leaks(), []);
        });
    }
});

// Simulated months of rotation with overlap (rotation.overlapDays): one `pulumi up` a day, each a new
// provider process, on a clock shared by the provider and the emulator, driven through the lifecycle
// methods in the engine's order (check and diff, then create or update, each resource in turn; the
// deletes of replaced resources after all of them). Every generation's own credentials are tried at
// the token endpoint, as a consumer outside the program uses them, before each up, between a
// rotation's create and its delete, after the up, and half a day later.
import assert from "node:assert/strict";
import type { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { mints } from "../support/mint";
import { atScale } from "../support/scale";
import { DAY } from "../support/time";

// Four months, each resource's overlap seen end to end at least three times. In the clock-ahead reruns
// (test/support/scale.ts) a month: once each (the 30-day tokens rotate on day 23, their overlap ends on
// day 26), with every kind of cut and notice still met.
const DAYS = atScale(120, 32);
const ROTATIONS = atScale(3, 1);

interface Resource {
    name: string;
    raw: Record<string, unknown>;
    overlapDays: number;
    /** The API version lets a PATCH bring the outgoing token's expiry forward. */
    patches: boolean;
    state?: { id: string; inputs: CheckedInputs; outs: TokenOutputs };
}

interface Generation {
    resource: string;
    id: string;
    secret: string;
    expirationDate: string;
    /** When its successor was made (from the successor's previousGeneration.worksUntil). */
    rotatedAt?: number;
    worksUntil?: number;
    /** When a later rotation ended its overlap early (it was still in it). */
    cutAt?: number;
    /** Each probe after its rotation: when, and whether it minted a bearer token. */
    probes: { at: number; works: boolean }[];
}

describe("simulated months of rotation with overlap, an up every day", function () {
    this.timeout(600_000);
    const ctx = useHarness();

    it("always a working generation, never three, and each previous one works for overlapDays after its rotation and stops within a day", async () => {
        const emulator = ctx.h.emulator;
        const notices: string[] = [];
        const stack: Resource[] = [
            // v1: the outgoing token's expiry is brought forward to the end of its overlap.
            {
                name: "modern",
                raw: { name: "modern", rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 } },
                overlapDays: 3,
                patches: true,
            },
            // beta: it keeps its expiry; the first up after the overlap deletes it.
            {
                name: "legacy",
                raw: {
                    name: "legacy",
                    apiVersion: "beta",
                    rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 },
                },
                overlapDays: 3,
                patches: false,
            },
            // Rotated every 3 days with 6 days of overlap: each rotation ends the older overlap first.
            {
                name: "stacked",
                raw: {
                    name: "stacked",
                    apiVersion: "v2025",
                    rotation: { expiresInDays: 10, rotateBeforeDays: 7, overlapDays: 6 },
                },
                overlapDays: 6,
                patches: true,
            },
            // An overlap longer than the 7 days left at rotation: it ends at the token's own expiry.
            {
                name: "cut",
                raw: {
                    name: "cut",
                    apiVersion: "v2024",
                    rotation: { expiresInDays: 20, rotateBeforeDays: 7, overlapDays: 10 },
                },
                overlapDays: 10,
                patches: false,
            },
        ];
        const generations = new Map<string, Generation>();
        const remember = (resource: Resource, created: { id: string; outs: TokenOutputs }) =>
            generations.set(created.id, {
                resource: resource.name,
                id: created.id,
                secret: created.outs.secret,
                expirationDate: created.outs.expirationDate as string,
                probes: [],
            });

        /** Which generations of each resource mint a bearer token now; asserts 1 or 2 per resource. */
        async function probe(when: string): Promise<void> {
            const at = emulator.clock.nowMs();
            // A token the API no longer has cannot mint: only those it has are tried.
            const present = new Set(emulator.tokens().map((t) => t.id));
            for (const resource of stack) {
                let working = 0;
                for (const g of generations.values()) {
                    if (g.resource !== resource.name) continue;
                    const works = present.has(g.id) && (await mints(emulator.baseUrl, g.id, g.secret));
                    if (works) working++;
                    if (g.rotatedAt !== undefined) g.probes.push({ at, works });
                }
                assert.ok(working >= 1, `${when}: ${resource.name} has a working generation`);
                assert.ok(working <= 2, `${when}: ${resource.name} has ${working} working generations`);
            }
        }

        async function up(p: PersonalAccessTokenProvider, day: number): Promise<void> {
            const deletes: (() => Promise<void>)[] = [];
            for (const resource of stack) {
                const checked = await p.check(resource.state?.inputs ?? {}, resource.raw);
                assert.deepEqual(checked.failures ?? [], [], `check of ${resource.name}`);
                const inputs = checked.inputs as CheckedInputs;
                if (!resource.state) {
                    const created = await p.create(inputs);
                    hygiene.secret(created.outs?.secret);
                    resource.state = { id: created.id, inputs, outs: created.outs as TokenOutputs };
                    remember(resource, resource.state);
                    continue;
                }
                const { id, outs } = resource.state;
                const diff = await p.diff(id, outs, inputs);
                if (!diff.changes) {
                    resource.state.inputs = inputs;
                    continue;
                }
                if ((diff.replaces ?? []).length === 0) {
                    const updated = await p.update(id, outs, inputs);
                    resource.state = { id, inputs, outs: updated.outs as TokenOutputs };
                    continue;
                }
                assert.equal(
                    diff.deleteBeforeReplace,
                    false,
                    `day ${day}: ${resource.name} new generation first`,
                );
                const older = outs.previousGeneration;
                const startedAt = emulator.clock.nowMs();
                const created = await p.create(inputs);
                const endedAt = emulator.clock.nowMs();
                hygiene.secret(created.outs?.secret);
                const next = { id: created.id, inputs, outs: created.outs as TokenOutputs };
                remember(resource, next);
                const previous = next.outs.previousGeneration;
                assert.equal(
                    previous?.id,
                    id,
                    `day ${day}: ${resource.name}'s new generation names the old one`,
                );
                assert.ok(!JSON.stringify(previous).includes(outs.secret), "never its secret");
                const outgoing = generations.get(id)!;
                outgoing.worksUntil = Date.parse(previous!.worksUntil);
                // The instant create read its clock; where the token's own expiry cut the overlap, the
                // create's end (its expiry lies days before the declared end either way).
                const declaredFrom = outgoing.worksUntil - resource.overlapDays * DAY;
                outgoing.rotatedAt =
                    declaredFrom >= startedAt && declaredFrom <= endedAt ? declaredFrom : endedAt;
                if (older && generations.get(older.id) && Date.parse(older.worksUntil) > outgoing.rotatedAt)
                    generations.get(older.id)!.cutAt = outgoing.rotatedAt;
                resource.state = next;
                deletes.push(() => p.delete(id, outs));
            }
            if (deletes.length > 0) await probe(`day ${day}, between the creates and the deletes`);
            for (const remove of deletes) await remove();
        }

        for (let day = 0; day < DAYS; day++) {
            if (day > 0) await probe(`day ${day}, before the up`);
            await up(
                ctx.h.provider({ now: () => emulator.clock.now(), notify: (m) => notices.push(m) }),
                day,
            );
            await probe(`day ${day}, after the up`);
            // Nothing untracked: every token at the API is a resource's current or previous generation.
            const tracked = new Set(
                stack.flatMap((r) => [r.state!.id, r.state!.outs.previousGeneration?.id].filter(Boolean)),
            );
            for (const t of emulator.tokens())
                assert.ok(tracked.has(t.id), `day ${day}: ${t.name} is tracked`);
            for (const r of stack)
                assert.ok(
                    await mints(emulator.baseUrl, r.state!.id, r.state!.outs.secret),
                    `${r.name} current`,
                );
            emulator.clock.advance(DAY / 2);
            await probe(`day ${day}, half a day after the up`);
            emulator.clock.advance(DAY / 2);
        }

        // Each rotated generation: works until its overlap ends, and stops within a day after.
        const lastProbe = emulator.clock.nowMs() - DAY / 2;
        const rotated = [...generations.values()].filter((g) => g.rotatedAt !== undefined);
        const endOf = (g: Generation) => Math.min(g.worksUntil!, g.cutAt ?? Infinity);
        for (const resource of stack) {
            // Those whose day after the overlap the simulation saw.
            const own = rotated.filter((g) => g.resource === resource.name && endOf(g) + DAY <= lastProbe);
            assert.ok(own.length >= ROTATIONS, `${resource.name} rotated ${own.length} times`);
            for (const g of own) {
                const declaredEnd = g.rotatedAt! + resource.overlapDays * DAY;
                const ownExpiry = Date.parse(g.expirationDate);
                assert.equal(g.worksUntil, Math.min(declaredEnd, ownExpiry), `${g.id}: worksUntil`);
                const end = endOf(g);
                const before = g.probes.filter((p) => p.at < end);
                const after = g.probes.filter((p) => p.at >= end + DAY);
                assert.ok(before.length > 0 && after.length > 0, `${g.id}: probed on both sides`);
                assert.ok(
                    before.every((p) => p.works),
                    `${resource.name} ${g.id}: works until ${new Date(end).toISOString()}`,
                );
                assert.ok(
                    after.every((p) => !p.works),
                    `${resource.name} ${g.id}: stops within a day after`,
                );
                if (resource.patches)
                    assert.ok(
                        g.probes.filter((p) => p.at >= end).every((p) => !p.works),
                        `${resource.name}: its expiry was brought forward, so it stops at once`,
                    );
            }
        }
        // The full overlap, where nothing cuts it: modern and legacy work overlapDays after each rotation.
        for (const name of ["modern", "legacy"]) {
            for (const g of rotated.filter((x) => x.resource === name)) {
                assert.equal(g.worksUntil! - g.rotatedAt!, 3 * DAY);
                assert.equal(g.cutAt, undefined);
            }
        }
        assert.ok(
            rotated.some((g) => g.resource === "stacked" && g.cutAt !== undefined),
            "stacked overlaps were cut",
        );
        assert.ok(
            rotated.filter((g) => g.resource === "cut").every((g) => g.worksUntil! < g.rotatedAt! + 10 * DAY),
        );
        assert.ok(notices.some((n) => /apiVersion beta cannot change a token's expiry/.test(n)));
        assert.ok(
            notices.some((n) =>
                /"cut": the outgoing token .* before rotation.overlapDays \(10\) would end/.test(n),
            ),
        );
        assert.ok(
            notices.some((n) => /"stacked": the previous generation .* is still in its overlap/.test(n)),
        );

        // Destroy, mid-overlap for some: every generation goes.
        const destroy = ctx.h.provider({ now: () => emulator.clock.now(), notify: () => undefined });
        assert.ok(
            stack.some((r) => r.state!.outs.previousGeneration),
            "some resource is in its overlap",
        );
        for (const r of stack) await destroy.delete(r.state!.id, r.state!.outs);
        assert.deepEqual(emulator.tokens(), []);

        const served = emulator.counts((e) => e.status !== 401);
        console.log(
            `      ${DAYS} simulated days: ${rotated.length} rotations, ${served.create} creates, ${served.patch} patches, ${served.delete} deletes, ${served.token} token-endpoint requests`,
        );
    });
});

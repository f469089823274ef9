// A simulated year: 365 daily `pulumi up`s of one stack, on a clock shared by the provider and the
// emulator, driven in-process through the provider's lifecycle methods in the order the engine
// calls them (check with the inputs in state, diff, then create/update/delete; a replacement
// deletes first or creates first as diff's deleteBeforeReplace says). The stack: a rotating token,
// a token with a fixed date that passes during the year, and a never-expiring v2025 token.
import assert from "node:assert/strict";
import type { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { DAY } from "../support/time";

interface Resource {
    name: string;
    raw: Record<string, unknown>;
    state?: { id: string; inputs: CheckedInputs; outs: TokenOutputs };
}

interface UpReport {
    replaced: {
        name: string;
        oldId: string;
        oldExpiry: string | null;
        order: "create-first" | "delete-first";
    }[];
    updated: string[];
    notices: string[];
}

describe("a simulated year of daily pulumi up", function () {
    this.timeout(300_000);
    const ctx = useHarness();

    it("rotates once per generation inside its window, never leaves a gap or a leak, and never breaks", async () => {
        const emulator = ctx.h.emulator;
        const start = emulator.clock.now(); // every date below derives from the start of the year
        const notices: string[] = [];
        const provider = ctx.h.provider({ now: () => emulator.clock.now(), notify: (m) => notices.push(m) });
        const fixedExpiry = new Date(start.getTime() + 100 * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
        const stack: Resource[] = [
            { name: "rotating", raw: { name: "rotating", scope: ["sp:scopes:default"], rotation } },
            { name: "fixed", raw: { name: "fixed", expirationDate: fixedExpiry } },
            {
                name: "forever",
                raw: { name: "forever", apiVersion: "v2025", userAwareTokenNeverExpires: true },
            },
        ];

        /** At this moment the rotating resource has a token at the API that is live (not expired). */
        const assertRotatingLive = (when: string) => {
            const now = emulator.clock.nowMs();
            const live = emulator
                .tokens()
                .filter((t) => /^rotating-\d{8}T\d{6}Z-[0-9a-f]{8}$/.test(t.name))
                .filter((t) => t.expirationDate !== null && Date.parse(t.expirationDate) > now);
            assert.ok(live.length >= 1, `${when}: the rotating token has a live token`);
        };

        async function up(): Promise<UpReport> {
            const report: UpReport = { replaced: [], updated: [], notices: [] };
            const before = notices.length;
            for (const resource of stack) {
                const checked = await provider.check(resource.state?.inputs ?? {}, resource.raw);
                assert.deepEqual(checked.failures ?? [], [], `check of ${resource.name}`);
                const inputs = checked.inputs as CheckedInputs;
                if (!resource.state) {
                    resource.state = await create(provider, inputs);
                    continue;
                }
                const { id, outs } = resource.state;
                const diff = await provider.diff(id, outs, inputs);
                if (!diff.changes) {
                    resource.state.inputs = inputs; // the engine records the new inputs, old outputs
                    continue;
                }
                if ((diff.replaces ?? []).length > 0) {
                    const order = diff.deleteBeforeReplace ? "delete-first" : "create-first";
                    report.replaced.push({
                        name: resource.name,
                        oldId: id,
                        oldExpiry: outs.expirationDate ?? null,
                        order,
                    });
                    if (diff.deleteBeforeReplace) {
                        await provider.delete(id, outs);
                        resource.state = await create(provider, inputs);
                    } else {
                        resource.state = await create(provider, inputs);
                        if (resource.name === "rotating") assertRotatingLive("between create and delete");
                        await provider.delete(id, outs);
                    }
                } else {
                    const updated = await provider.update(id, outs, inputs);
                    resource.state = { id, inputs, outs: updated.outs as TokenOutputs };
                    report.updated.push(resource.name);
                }
            }
            report.notices = notices.slice(before);
            return report;
        }

        emulator.resetRequests();
        const rotations: { day: number; due: number; expiry: number }[] = [];
        const stale: number[] = [];
        let foreverId: string | undefined;
        for (let day = 0; day < 365; day++) {
            const report = await up();
            const now = emulator.clock.nowMs();
            assert.deepEqual(report.updated, [], `day ${day}: nothing is updated in place`);
            for (const r of report.replaced) {
                assert.equal(r.name, "rotating", `day ${day}: only the rotating token is replaced`);
                assert.equal(r.order, "create-first", "the new generation comes first: no gap");
                const expiry = Date.parse(r.oldExpiry as string);
                rotations.push({ day, due: expiry - rotation.rotateBeforeDays * DAY, expiry });
                assert.ok(
                    now >= expiry - rotation.rotateBeforeDays * DAY && now < expiry,
                    `day ${day}: inside the window`,
                );
            }
            if (
                report.notices.some((n) => /^warning: PersonalAccessToken "fixed": the token expired/.test(n))
            )
                stale.push(day);

            // After every up: the state's three tokens exist with the state's secrets, nothing else.
            const ids = stack.map((r) => r.state?.id as string);
            assert.deepEqual(
                emulator
                    .tokens()
                    .map((t) => t.id)
                    .sort(),
                [...ids].sort(),
                `day ${day}: exactly the stack's tokens exist (no leaked generation)`,
            );
            for (const r of stack)
                assert.ok(
                    emulator.verifySecret(r.state!.id, r.state!.outs.secret),
                    `day ${day}: ${r.name}'s secret`,
                );
            assertRotatingLive(`day ${day}`);
            const forever = stack[2].state!;
            foreverId ??= forever.id;
            assert.equal(forever.id, foreverId, "the never-expiring token is never replaced");
            assert.equal(forever.outs.expirationDate, null);

            emulator.clock.advance(DAY);
        }

        // Rotation: once per generation (every 23 days: 30-day tokens rotated 7 days before expiry).
        assert.equal(rotations.length, Math.floor(364 / 23), JSON.stringify(rotations.map((r) => r.day)));
        rotations.forEach((r, i) =>
            assert.equal(r.day, 23 * (i + 1), "rotated on the first day of its window"),
        );
        // The fixed-date token passed its date on day 100: from then on the preview warns, the run goes on.
        assert.equal(stale[0], 100);
        assert.equal(stale.length, 265);

        const counts = emulator.counts();
        const served = emulator.counts((e) => e.status !== 401);
        const refused = counts.total - served.total;
        const forForever = emulator.requests.filter((e) => e.path.endsWith(`/${foreverId}`));
        assert.deepEqual(forForever, [], "no request ever touched the never-expiring token");
        assert.equal(served.create, 3 + rotations.length);
        assert.equal(served.delete, rotations.length);
        assert.equal(served.patch, 0);
        // One list before each create under a declared name ("fixed", "forever": a lost create never
        // takes a token listed before it); a rotating generation's name has a random part, so none.
        assert.equal(served.list, 2);
        // A pipeline's up is a new process with a new bearer token; here one process lives the whole
        // year, so a bearer token issued yesterday is refused once after each jump, then renewed.
        assert.ok(refused <= rotations.length, `${refused} requests refused with 401`);
        assert.ok(served.token <= rotations.length + 1);

        console.log(
            `      a simulated year: ${served.total - served.token} API requests (${served.create} create, ${served.delete} delete), ` +
                `${served.token} token-endpoint requests, ${refused} requests refused with 401 (a bearer token issued on an earlier simulated day)`,
        );
    });
});

async function create(provider: PersonalAccessTokenProvider, inputs: CheckedInputs) {
    const created = await provider.create(inputs);
    hygiene.secret(created.outs?.secret);
    return { id: created.id, inputs, outs: created.outs as TokenOutputs };
}

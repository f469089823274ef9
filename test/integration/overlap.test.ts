// rotation.overlapDays through the provider's lifecycle methods against the emulator, in the order the
// engine calls them (one provider object = one process; a new one = the next pulumi command), on a
// clock shared by the provider and the emulator.
import assert from "node:assert/strict";
import type { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, failure, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { mints } from "../support/mint";
import { DAY } from "../support/time";

const HOUR = 3_600_000;

interface State {
    id: string;
    inputs: CheckedInputs;
    outs: TokenOutputs;
}

describe("rotation with overlap (rotation.overlapDays)", function () {
    this.timeout(60_000);
    const ctx = useHarness({ perTest: true });
    let notices: string[] = [];

    const emulator = () => ctx.h.emulator;
    /** A provider process on the emulator's clock. */
    const aProcess = () =>
        ctx.h.provider({ now: () => emulator().clock.now(), notify: (m) => notices.push(m) });
    /**
     * The PAT API's requests since the last reset, as "operation id": not the token endpoint's, nor
     * those refused with 401 (a bearer token from before the clock jumped, renewed and sent again).
     */
    const calls = () =>
        emulator()
            .requests.filter((r) => r.operation !== "token" && r.status !== 401)
            .map((r) => `${r.operation}${/[0-9a-f]{32}$/.exec(r.path)?.[0] ? ` ${r.path.slice(-32)}` : ""}`);
    const works = (s: { id: string; outs: TokenOutputs }) => mints(emulator().baseUrl, s.id, s.outs.secret);
    const atApi = () =>
        emulator()
            .tokens()
            .map((t) => t.id)
            .sort();
    const expiryAtApi = (id: string) =>
        emulator()
            .tokens()
            .find((t) => t.id === id)?.expirationDate;

    beforeEach(() => (notices = []));

    /** Another resource, in process `p`, adopts generation `first` (as the API has it). */
    async function adoptIn(
        p: PersonalAccessTokenProvider,
        first: State,
        extra: Record<string, unknown> = {},
    ) {
        const kept = await createToken(p, {
            name: "kept",
            adoptTokenId: first.id,
            expirationDate: expiryAtApi(first.id),
            ...extra,
        });
        assert.equal(kept.id, first.id);
    }

    /** The notice that `first` stays, and that it still works. */
    async function keptWorking(first: State) {
        assert.ok(
            notices.some(
                (n) => n.includes(first.id) && n.includes("another resource of this stack holds it"),
            ),
            notices.join("\n"),
        );
        assert.ok(await works(first));
    }

    /** One `pulumi up` of the resource in process `p`: check, diff, then create + delete, or update. */
    async function up(p: PersonalAccessTokenProvider, state: State, raw: Record<string, unknown>) {
        const inputs = (await p.check(state.inputs, raw)).inputs as CheckedInputs;
        const diff = await p.diff(state.id, state.outs, inputs);
        if (!diff.changes) return { state: { ...state, inputs }, diff };
        if ((diff.replaces ?? []).length > 0) {
            assert.equal(diff.deleteBeforeReplace, false, "a rotating token's new generation comes first");
            const created = await p.create(inputs);
            hygiene.secret(created.outs?.secret);
            await p.delete(state.id, state.outs);
            return { state: { id: created.id, inputs, outs: created.outs as TokenOutputs }, diff };
        }
        const updated = await p.update(state.id, state.outs, inputs);
        return { state: { id: state.id, inputs, outs: updated.outs as TokenOutputs }, diff };
    }

    it("v1: the outgoing token works until worksUntil (its expiry brought forward), previousGeneration names it, the first up after deletes it", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR); // inside the 3-day window

        emulator().resetRequests();
        const before = emulator().clock.nowMs();
        const { state: second, diff } = await up(p, first, raw);
        assert.ok((diff.replaces ?? []).length > 0);
        const worksUntil = second.outs.previousGeneration?.worksUntil ?? "";
        const rotatedAt = Date.parse(worksUntil) - 2 * DAY;
        assert.ok(
            rotatedAt >= before && rotatedAt <= emulator().clock.nowMs(),
            "overlapDays after the rotation",
        );
        assert.deepEqual(second.outs.previousGeneration, {
            id: first.id,
            tokenName: first.outs.tokenName,
            worksUntil,
        });
        assert.ok(
            !JSON.stringify(second.outs.previousGeneration).includes(first.outs.secret),
            "never its secret",
        );
        assert.deepEqual(
            calls(),
            ["create", `patch ${first.id}`],
            "no delete: the outgoing token's expiry is brought forward",
        );
        assert.equal(Date.parse(expiryAtApi(first.id) ?? ""), Date.parse(worksUntil));
        assert.deepEqual(atApi(), [first.id, second.id].sort());
        // The preview says it as diff saw it, a moment before create made the new generation.
        const said = notices
            .map(
                (n) =>
                    n.split(
                        `"ci": the outgoing token ${first.id} ("${first.outs.tokenName}") keeps working until `,
                    )[1],
            )
            .find((rest) => rest !== undefined);
        assert.ok(said, notices.join("\n"));
        assert.ok(Math.abs(Date.parse(said.slice(0, 24)) - Date.parse(worksUntil)) < 60_000, said);
        assert.ok(await works(first), "the outgoing token still mints bearer tokens");
        assert.ok(await works(second));

        // The next day: still in the overlap, nothing to do.
        emulator().clock.advance(DAY);
        const quiet = await up(aProcess(), second, raw);
        assert.equal(quiet.diff.changes, false);
        assert.ok(await works(first));

        // Past worksUntil: it stopped on its own; the first up deletes it, naming it.
        emulator().clock.advance(DAY + HOUR);
        assert.equal(await works(first), false, "stopped at worksUntil");
        notices = [];
        emulator().resetRequests();
        const next = aProcess();
        const ended = await up(next, quiet.state, raw);
        assert.deepEqual([ended.diff.changes, ended.diff.replaces], [true, []]);
        assert.deepEqual(calls(), [`delete ${first.id}`]);
        assert.equal(ended.state.outs.previousGeneration, undefined);
        assert.deepEqual(atApi(), [second.id]);
        assert.ok(
            notices.some((n) =>
                n.includes(
                    `the overlap of the previous generation ${first.id} ("${first.outs.tokenName}") ended at ${worksUntil}: this up deletes it`,
                ),
            ),
            notices.join("\n"),
        );
        assert.equal((await up(aProcess(), ended.state, raw)).diff.changes, false, "then no changes");
    });

    it("beta: the outgoing token is left as it is (no PATCH of an expiry there), the preview says so, and the first up after worksUntil deletes it", async () => {
        const raw = {
            name: "ci",
            apiVersion: "beta",
            rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 },
        };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        emulator().resetRequests();
        const { state: second } = await up(p, first, raw);
        assert.deepEqual(calls(), ["create"]);
        assert.equal(Date.parse(expiryAtApi(first.id) ?? ""), Date.parse(first.outs.expirationDate ?? ""));
        assert.ok(
            notices.some((n) =>
                /apiVersion beta cannot change a token's expiry: the outgoing token .* keeps working .* until the first pulumi up after .* deletes it; run pulumi up daily/.test(
                    n,
                ),
            ),
            notices.join("\n"),
        );
        emulator().clock.advance(2 * DAY + HOUR);
        assert.ok(await works(first), "past worksUntil it works until an up deletes it");
        const ended = await up(aProcess(), second, raw);
        assert.equal(ended.state.outs.previousGeneration, undefined);
        assert.equal(await works(first), false);
        assert.deepEqual(atApi(), [second.id]);
    });

    it("a rotation while the previous generation is still in its overlap deletes it first: never three working", async () => {
        // Rotated 7 days before expiry every 3 days, with 6 days of overlap: the overlaps would stack.
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 7, overlapDays: 6 } };
        const p = aProcess();
        const g0 = await createToken(p, raw);
        emulator().clock.advance(3 * DAY + HOUR);
        const { state: g1 } = await up(p, g0, raw);
        assert.equal(g1.outs.previousGeneration?.id, g0.id);
        emulator().clock.advance(3 * DAY);
        notices = [];
        emulator().resetRequests();
        const { state: g2 } = await up(aProcess(), g1, raw);
        assert.deepEqual(
            calls(),
            [`delete ${g0.id}`, "create", `patch ${g1.id}`],
            "the oldest goes before the new one is made",
        );
        assert.equal(g2.outs.previousGeneration?.id, g1.id);
        assert.deepEqual(atApi(), [g1.id, g2.id].sort());
        assert.equal(await works(g0), false);
        assert.ok(await works(g1));
        assert.ok(
            notices.some((n) =>
                /is still in its overlap .*: it is deleted before the new token is made, so that no more than two generations work at once/.test(
                    n,
                ),
            ),
        );
        assert.ok(notices.some((n) => n.includes(`deleted the previous generation ${g0.id}`)));
    });

    it("an overlap longer than the outgoing token's remaining life ends at its expiry, and the preview says so", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 5 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        emulator().resetRequests();
        const { state: second } = await up(p, first, raw);
        assert.deepEqual(calls(), ["create"], "nothing to bring forward");
        assert.equal(
            Date.parse(second.outs.previousGeneration?.worksUntil ?? ""),
            Date.parse(first.outs.expirationDate ?? ""),
        );
        assert.ok(
            notices.some((n) =>
                /expires on .*, before rotation.overlapDays \(5\) would end .*: it keeps working only until then/.test(
                    n,
                ),
            ),
        );
    });

    it("destroy in the middle of the overlap deletes every generation; one already gone is fine", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        for (const goneFirst of [false, true]) {
            const p = aProcess();
            const first = await createToken(p, { ...raw, name: `ci-${String(goneFirst)}` });
            emulator().clock.advance(7 * DAY + HOUR);
            const { state: second } = await up(p, first, { ...raw, name: `ci-${String(goneFirst)}` });
            assert.equal(second.outs.previousGeneration?.id, first.id);
            if (goneFirst) emulator().deleteToken(first.id);
            await aProcess().delete(second.id, second.outs); // pulumi destroy: a new process
            assert.deepEqual(atApi(), [], `goneFirst ${String(goneFirst)}`);
        }
    });

    it("an interrupted up: the next process's retry of the pending delete ends the overlap early, and nothing is untracked", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const killed = aProcess();
        const first = await createToken(killed, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        const inputs = (await killed.check(first.inputs, raw)).inputs as CheckedInputs;
        await killed.diff(first.id, first.outs, inputs);
        const created = await killed.create(inputs);
        hygiene.secret(created.outs?.secret);
        const second: State = { id: created.id, inputs, outs: created.outs as TokenOutputs };
        // Killed here: the state holds the new generation (naming the old one) and the old one's pending delete.
        const known = () => new Set([first.id, second.id, second.outs.previousGeneration?.id]);
        assert.ok(atApi().every((id) => known().has(id)));

        const resumed = aProcess();
        await resumed.delete(first.id, first.outs); // the engine retries the pending delete first
        assert.deepEqual(atApi(), [second.id], "deleted: no handoff in a new process");
        // Refresh drops the record of a previous generation the API no longer lists.
        const read = await resumed.read(second.id, second.outs);
        assert.equal(read.props?.previousGeneration, undefined);
        // Without a refresh, the first up after worksUntil deletes it again: a 404 is fine.
        emulator().clock.advance(2 * DAY + HOUR);
        const ended = await up(aProcess(), second, raw);
        assert.equal(ended.state.outs.previousGeneration, undefined);
        assert.deepEqual(atApi(), [second.id]);
    });

    it("refresh keeps previousGeneration while the API lists the token; an overlapDays change alone is an update with no request", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        const { state: second } = await up(p, first, raw);
        const read = await aProcess().read(second.id, second.outs);
        assert.deepEqual(read.props?.previousGeneration, second.outs.previousGeneration);
        emulator().resetRequests();
        const longer = { ...raw, rotation: { ...raw.rotation, overlapDays: 4 } };
        const changed = await up(aProcess(), second, longer);
        assert.deepEqual([changed.diff.changes, changed.diff.replaces], [true, []]);
        assert.deepEqual(calls(), []);
        assert.equal(changed.state.outs.rotation?.overlapDays, 4);
        assert.deepEqual(
            changed.state.outs.previousGeneration,
            second.outs.previousGeneration,
            "the current overlap is kept",
        );
    });

    it("a failed PATCH of the outgoing token's expiry does not fail the up: it says so, and the first up after worksUntil deletes the token", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        const rule = emulator().faults.add({ kind: "500", method: "PATCH" });
        const { state: second } = await up(p, first, raw);
        emulator().faults.remove(rule);
        assert.ok(
            notices.some((n) =>
                /^warning: PersonalAccessToken "ci": bringing the expiry of the previous generation .* forward to .* failed: .*500.*It keeps working until the first pulumi up after then deletes it$/s.test(
                    n,
                ),
            ),
            notices.join("\n"),
        );
        assert.equal(second.outs.previousGeneration?.id, first.id, "still tracked");
        emulator().clock.advance(2 * DAY + HOUR);
        assert.ok(await works(first), "its own expiry was kept");
        await up(aProcess(), second, raw);
        assert.deepEqual(atApi(), [second.id]);
    });

    it("at the per-owner limit of 10, the rotation's create is refused and says so; nothing is deleted", async () => {
        for (let i = 0; i < 9; i++) emulator().createToken(ctx.h.identityId, { name: `other-${i}` });
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(7 * DAY + HOUR);
        const error = await failure("create at the limit", up(p, first, raw));
        assert.match(
            error.message,
            /^create personal access token failed: POST \/personal-access-tokens\/v1 returned HTTP 400/,
        );
        assert.match(error.message, /An identity can have at most 10 personal access tokens/);
        assert.match(error.message, /\[trackingId [^\]]+\]/);
        assert.match(error.message, /delete tokens nothing uses any more .*, or lower rotation\.overlapDays/);
        assert.equal(emulator().tokens().length, 10);
        assert.ok(await works(first), "the current generation is untouched");
    });

    it("a replacement diff decides for another reason (accessTokenValiditySeconds) keeps the overlap too", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(HOUR);
        const { state: second, diff } = await up(p, first, { ...raw, accessTokenValiditySeconds: 3600 });
        assert.deepEqual(diff.replaces, ["accessTokenValiditySeconds"]);
        assert.equal(second.outs.previousGeneration?.id, first.id);
        assert.deepEqual(atApi(), [first.id, second.id].sort());
    });

    it("without an overlap (the default) or on `up --replace` (no diff decided it), the outgoing token goes in the same up", async () => {
        const raw = { name: "ci", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        const p = aProcess();
        const first = await createToken(p, raw);
        emulator().clock.advance(HOUR);
        const replaced = await p.create(first.inputs); // up --replace: the engine forces it
        hygiene.secret(replaced.outs?.secret);
        await p.delete(first.id, first.outs);
        assert.deepEqual(atApi(), [replaced.id]);
        assert.equal((replaced.outs as TokenOutputs).previousGeneration, undefined);

        const plain = { name: "plain", rotation: { expiresInDays: 10, rotateBeforeDays: 3 } };
        const g0 = await createToken(p, plain);
        emulator().clock.advance(7 * DAY + HOUR);
        const { state: g1 } = await up(p, g0, plain);
        assert.ok(!atApi().includes(g0.id));
        assert.equal(g1.outs.previousGeneration, undefined);
    });

    it("an apiVersion change in the rotating up: the declared version decides the expiry patch, as the preview said", async () => {
        const rotation = { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 };
        const p = aProcess();
        const first = await createToken(p, { name: "moving", apiVersion: "beta", rotation });
        emulator().clock.advance(7 * DAY + HOUR);
        emulator().resetRequests();
        const { state: second } = await up(p, first, { name: "moving", apiVersion: "v1", rotation });
        const worksUntil = second.outs.previousGeneration?.worksUntil ?? "";
        assert.ok(
            notices.some((n) => n.includes(`keeps working until`) && n.includes(first.id)),
            notices.join("\n"),
        );
        assert.deepEqual(calls(), ["create", `patch ${first.id}`]);
        assert.equal(Date.parse(expiryAtApi(first.id) ?? ""), Date.parse(worksUntil));
    });

    it("a previous generation another resource adopted in the same run is not deleted with its old resource", async () => {
        const rotation = { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 };
        const p = aProcess();
        const first = await createToken(p, { name: "handed", rotation });
        emulator().clock.advance(7 * DAY + HOUR);
        const { state: second } = await up(p, first, { name: "handed", rotation });
        assert.equal(second.outs.previousGeneration?.id, first.id);

        // The next up: a new resource adopts the previous generation, and the old resource goes.
        const next = aProcess();
        await adoptIn(next, first);
        await next.delete(second.id, second.outs);
        assert.deepEqual(atApi(), [first.id], "the adopted token stays; the resource's own token goes");
        await keptWorking(first);
    });

    it("the end of an overlap (update) keeps a previous generation another resource adopted in the same run", async () => {
        // beta cannot bring an expiry forward: the previous generation still works after its overlap.
        const raw = {
            name: "ending",
            apiVersion: "beta",
            rotation: { expiresInDays: 30, rotateBeforeDays: 3, overlapDays: 2 },
        };
        const first = await createToken(aProcess(), raw);
        emulator().clock.advance(27 * DAY + HOUR);
        const { state: second } = await up(aProcess(), first, raw);
        assert.equal(second.outs.previousGeneration?.id, first.id);
        emulator().clock.advance(2 * DAY + HOUR);

        // The next up: a resource declared first adopts that generation, then the overlap's end.
        const next = aProcess();
        await adoptIn(next, first, { apiVersion: "beta" });
        notices = [];
        const ended = await up(next, second, raw);
        assert.deepEqual([ended.diff.changes, ended.diff.replaces], [true, []], "an update");
        assert.equal(ended.state.outs.previousGeneration, undefined, "no longer tracked");
        assert.deepEqual(atApi(), [first.id, second.id].sort(), "the adopted token is not deleted");
        await keptWorking(first);
    });

    it("the at-most-two-generations step keeps a previous generation another resource adopted in the same run", async () => {
        const rotation = { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 };
        const first = await createToken(aProcess(), { name: "three", rotation });
        emulator().clock.advance(7 * DAY + HOUR);
        const { state: second } = await up(aProcess(), first, { name: "three", rotation });
        assert.equal(second.outs.previousGeneration?.id, first.id);

        // In the overlap, a change that replaces (the new generation first) would end the older one.
        emulator().clock.advance(HOUR);
        const next = aProcess();
        await adoptIn(next, first);
        notices = [];
        const third = await up(next, second, { name: "three", rotation, accessTokenValiditySeconds: 600 });
        assert.ok((third.diff.replaces ?? []).includes("accessTokenValiditySeconds"));
        assert.ok(atApi().includes(first.id), "the adopted token is not deleted");
        await keptWorking(first);
    });

    it("two rotating resources of one declared name and version in one run: neither gets an overlap (ambiguous), both outgoing tokens go", async () => {
        const raw = { name: "twin", rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 } };
        // Made at once, in one process: a generation's name carries a random part besides its
        // creation second, so the two do not clash (the time alone did: the API's "already exists").
        const first = aProcess();
        const [a, b] = await Promise.all([createToken(first, raw), createToken(first, raw)]);
        assert.notEqual(a.outs.tokenName, b.outs.tokenName);
        emulator().clock.advance(7 * DAY + HOUR); // both inside the window
        // The engine diffs both before it creates either (its steps run in parallel): create gets only
        // the inputs, identical for the two, so it cannot tell whose outgoing generation is whose.
        const p = aProcess();
        const inputs = (await p.check(a.inputs, raw)).inputs as CheckedInputs;
        for (const old of [a, b]) {
            const diff = await p.diff(old.id, old.outs, inputs);
            assert.ok((diff.replaces ?? []).length > 0 && diff.deleteBeforeReplace === false);
        }
        // The first diff promised an overlap; the second says it cannot be kept, and why.
        assert.deepEqual(
            notices.filter((n) => /cannot tell whose outgoing token is whose/.test(n)),
            [
                'PersonalAccessToken "twin": another resource of this stack is replaced in this run with the same name and apiVersion (v1): the provider cannot tell whose outgoing token is whose, so no rotation.overlapDays is kept for either, and each outgoing token is deleted once the new ones exist. Give the resources different names to keep their overlaps',
            ],
            notices.join("\n"),
        );
        emulator().resetRequests();
        const made = await Promise.all([p.create(inputs), p.create(inputs)]);
        for (const created of made) hygiene.secret(created.outs?.secret);
        for (const old of [a, b]) await p.delete(old.id, old.outs);
        for (const created of made)
            assert.equal(created.outs?.previousGeneration, undefined, "no overlap: whose would it be?");
        assert.deepEqual(atApi(), made.map((c) => c.id).sort(), "both outgoing tokens are deleted");
        assert.deepEqual(calls().sort(), ["create", "create", `delete ${a.id}`, `delete ${b.id}`].sort());
    });

    it("the ambiguous rule's notice comes also when only the resource diffed first declares an overlap", async () => {
        const withOverlap = {
            name: "pair",
            rotation: { expiresInDays: 10, rotateBeforeDays: 3, overlapDays: 2 },
        };
        const without = { name: "pair", rotation: { expiresInDays: 10, rotateBeforeDays: 3 } };
        const first = aProcess();
        const [a, b] = await Promise.all([createToken(first, withOverlap), createToken(first, without)]);
        emulator().clock.advance(7 * DAY + HOUR);
        const p = aProcess();
        for (const [old, raw] of [
            [a, withOverlap],
            [b, without],
        ] as const) {
            const inputs = (await p.check(old.inputs, raw)).inputs as CheckedInputs;
            const diff = await p.diff(old.id, old.outs, inputs);
            assert.ok((diff.replaces ?? []).length > 0 && diff.deleteBeforeReplace === false);
        }
        assert.deepEqual(
            notices.filter((n) => /cannot tell whose outgoing token is whose/.test(n)).length,
            1,
            notices.join("\n"),
        );
    });
});

// A replacement that keeps the token's name, over HTTP against the emulator, in the engine's order
// (diff, check, create, then delete of the old token at the end of the same up, one process): the
// old token moves to an interim name, the new one is made under the declared name, the old one is
// deleted last. A fault at each step leaves a working token and a state that tells the truth about
// the new one; the next up, in a new provider process, finishes the replacement.
import assert from "node:assert/strict";
import type { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, failure, inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";

interface Made {
    id: string;
    inputs: CheckedInputs;
    outs: TokenOutputs;
}

describe("a replacement that keeps the name (provider over HTTP)", function () {
    this.timeout(30_000);
    const ctx = useHarness({ perTest: true, emulator: { maxTokensPerOwner: 3 } });
    const NAME = "ci-deploy";

    /** The token as the previous up left it, and the declaration that replaces it (a validity change). */
    async function before(version = "v3"): Promise<{ old: Made; news: CheckedInputs }> {
        const old = await createToken(ctx.h.provider(), {
            name: NAME,
            expirationDate: inDays(60),
            apiVersion: version,
        });
        ctx.h.emulator.resetRequests();
        return { old, news: { ...old.inputs, accessTokenValiditySeconds: 3600 } };
    }

    /** The engine's diff then re-check for a replacement; returns the checked inputs create gets. */
    async function diffAndCheck(p: PersonalAccessTokenProvider, old: Made, news: CheckedInputs) {
        const diff = await p.diff(old.id, old.outs, news);
        assert.deepEqual(diff.replaces, ["accessTokenValiditySeconds"]);
        assert.equal(diff.deleteBeforeReplace, false, "create first: the old token is not deleted before");
        const { inputs } = await p.check({}, news as unknown as Record<string, unknown>);
        return inputs as CheckedInputs;
    }

    async function create(p: PersonalAccessTokenProvider, inputs: CheckedInputs): Promise<Made> {
        const created = await p.create(inputs);
        hygiene.secret(created.outs?.secret);
        return { id: created.id, inputs, outs: created.outs as TokenOutputs };
    }

    /** The tokens whose credentials work (known secrets only): there must always be one. */
    function working(...made: Made[]): string[] {
        return made
            .filter((m) => ctx.h.emulator.verifySecret(m.id, m.outs.secret))
            .map((m) => ctx.h.emulator.tokens().find((t) => t.id === m.id)?.name ?? "");
    }

    function calls(): string[] {
        return ctx.h.emulator.requests
            .filter((r) => r.operation !== "token")
            .map((r) => `${r.operation} ${r.path.split("/").pop()} ${r.status}`);
    }

    for (const version of ["v3", "v2025"]) {
        it(`${version}: new token first under the declared name, the old one aside until its delete; converged`, async () => {
            const { old, news } = await before(version);
            const p = ctx.h.provider();
            const inputs = await diffAndCheck(p, old, news);
            const made = await create(p, inputs);
            // Between create and the old token's delete the engine updates the dependents: both work.
            assert.equal(made.outs.name, NAME);
            assert.equal(made.outs.accessTokenValiditySeconds, 3600);
            const aside = working(old)[0];
            assert.match(aside, new RegExp(`^${NAME}-replacing-[0-9a-f]{12}$`));
            assert.deepEqual(working(made), [NAME]);
            await p.delete(old.id, old.outs);
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => [t.id, t.name]),
                [[made.id, NAME]],
            );
            assert.deepEqual(calls(), [
                `patch ${old.id} 200`,
                "list personal-access-tokens 200",
                `create personal-access-tokens 200`,
                `delete ${old.id} 204`,
            ]);
            // The next preview, in a new process: no change.
            const next = await ctx.h.provider().diff(made.id, made.outs, news);
            assert.equal(next.changes, false);
        });
    }

    it("the move aside fails: no new token, the old one keeps its name and works; the next up replaces it", async () => {
        const { old, news } = await before();
        ctx.h.emulator.faults.add({ kind: "500", method: "PATCH" });
        const p = ctx.h.provider();
        const inputs = await diffAndCheck(p, old, news);
        const error = await failure("move aside", p.create(inputs));
        assert.match(
            error.message,
            /moving it to the interim name "ci-deploy-replacing-[0-9a-f]{12}" failed, so no new token was made and the old one works as before/,
        );
        assert.match(error.message, /Run pulumi up again/);
        assert.deepEqual(working(old), [NAME]);
        assert.equal(ctx.h.emulator.tokens().length, 1);
        ctx.h.emulator.faults.clear();
        await converges(old, news);
    });

    it("a lost answer to the move aside is tried again: the same rename, then the replacement goes on", async () => {
        const { old, news } = await before();
        ctx.h.emulator.faults.add({ kind: "reset-after", method: "PATCH", times: 1 });
        const p = ctx.h.provider();
        const made = await create(p, await diffAndCheck(p, old, news));
        await p.delete(old.id, old.outs);
        assert.deepEqual(working(made), [NAME]);
        assert.equal(ctx.h.emulator.tokens().length, 1);
        assert.ok(ctx.h.emulator.requests.some((r) => r.faulted === "reset-after" && r.status === 200));
    });

    it("the new token is refused (the per-owner limit): the old one gets its name back and works", async () => {
        const { old, news } = await before();
        ctx.h.emulator.createToken(old.outs.owner.id, { name: "other-1" });
        ctx.h.emulator.createToken(old.outs.owner.id, { name: "other-2" });
        const p = ctx.h.provider();
        const error = await failure("limit", p.create(await diffAndCheck(p, old, news)));
        assert.match(
            error.message,
            /made no new token; token [0-9a-f]+ has its name "ci-deploy" back and works as before/,
        );
        assert.deepEqual(working(old), [NAME]);
        assert.deepEqual(
            calls().map((c) => c.split(" ")[0]),
            ["patch", "list", "create", "list", "patch"],
        );
    });

    it("refused, and the name cannot be given back: the old one works aside; the next up, in a new process, finishes", async () => {
        const { old, news } = await before();
        const filler = ctx.h.emulator.createToken(old.outs.owner.id, { name: "other-1" });
        ctx.h.emulator.createToken(old.outs.owner.id, { name: "other-2" });
        // The first PATCH (the move aside) goes through, delayed; every later one fails.
        ctx.h.emulator.faults.add({ kind: "delay", delayMs: 1, method: "PATCH", times: 1 });
        ctx.h.emulator.faults.add({ kind: "500", method: "PATCH" });
        const p = ctx.h.provider();
        const error = await failure("limit and rename back", p.create(await diffAndCheck(p, old, news)));
        assert.match(
            error.message,
            /naming token [0-9a-f]+ back failed too \(.*500.*\): it works, under the name "ci-deploy-replacing-[0-9a-f]{12}"; the next pulumi up finishes the replacement/s,
        );
        assert.equal(working(old).length, 1);
        ctx.h.emulator.faults.clear();
        ctx.h.emulator.deleteToken(filler.id);
        await converges(old, news);
    });

    it("the old token's delete fails: both work, the state holds the new one; the next up's delete (new process) finishes", async () => {
        const { old, news } = await before();
        const p = ctx.h.provider();
        const made = await create(p, await diffAndCheck(p, old, news));
        ctx.h.emulator.faults.add({ kind: "503", method: "DELETE" });
        await failure("delete old", p.delete(old.id, old.outs));
        assert.equal(working(old, made).length, 2);
        assert.equal(working(made)[0], NAME, "the new token has the declared name already");
        ctx.h.emulator.faults.clear();
        // The engine keeps the old resource as a pending delete: the next up deletes it first.
        const next = ctx.h.provider();
        await next.delete(old.id, old.outs);
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => [t.id, t.name]),
            [[made.id, NAME]],
        );
        assert.equal((await next.diff(made.id, made.outs, news)).changes, false);
        // A refresh reads the truth: the new token as created.
        const read = await next.read(made.id, made.outs);
        assert.equal(read.props?.name, NAME);
        assert.equal((await next.diff(made.id, read.props as TokenOutputs, news)).changes, false);
    });

    it("destroy while the old token's delete is pending removes both", async () => {
        const { old, news } = await before();
        const p = ctx.h.provider();
        const made = await create(p, await diffAndCheck(p, old, news));
        ctx.h.emulator.faults.add({ kind: "500", method: "DELETE" });
        await failure("delete old", p.delete(old.id, old.outs));
        ctx.h.emulator.faults.clear();
        const destroy = ctx.h.provider();
        await destroy.delete(made.id, made.outs);
        await destroy.delete(old.id, old.outs);
        assert.deepEqual(ctx.h.emulator.tokens(), []);
    });

    it("the old token was deleted out of band: the move finds it gone (404) and the new one is made", async () => {
        const { old, news } = await before();
        ctx.h.emulator.deleteToken(old.id);
        const p = ctx.h.provider();
        const made = await create(p, await diffAndCheck(p, old, news));
        await p.delete(old.id, old.outs);
        assert.deepEqual(working(made), [NAME]);
        assert.deepEqual(
            calls().map((c) => c.split(" ").slice(0, 1).concat(c.split(" ")[2]).join(" ")),
            ["patch 404", "list 200", "create 200", "delete 404"],
        );
    });

    it("`up --replace` calls no diff: the create meets the old token's name, and onNameConflict decides (default: fail)", async () => {
        const { old } = await before();
        const p = ctx.h.provider();
        const { inputs } = await p.check({}, old.inputs as unknown as Record<string, unknown>);
        const error = await failure("replace without diff", p.create(inputs as CheckedInputs));
        assert.match(error.message, /The owner already has a token named "ci-deploy"/);
        assert.deepEqual(working(old), [NAME]);
    });

    /** The next up, in a new provider process: diff, create, delete; then no change. */
    async function converges(old: Made, news: CheckedInputs): Promise<void> {
        const p = ctx.h.provider();
        const made = await create(p, await diffAndCheck(p, old, news));
        assert.equal(working(old, made).length, 2);
        await p.delete(old.id, old.outs);
        assert.deepEqual(
            ctx.h.emulator
                .tokens()
                .filter((t) => !t.name.startsWith("other-"))
                .map((t) => [t.id, t.name]),
            [[made.id, NAME]],
        );
        assert.deepEqual(working(made), [NAME]);
        assert.equal((await ctx.h.provider().diff(made.id, made.outs, news)).changes, false);
    }
});

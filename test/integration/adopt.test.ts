// Adoption and name conflicts over HTTP against the emulator: adoptTokenId takes a token over with
// exactly the PATCH it needs, only the API client's own tokens can be adopted, a name clash fails
// naming the token unless the program opted in to adopt or replace it, and foreign tokens are never
// touched.
import assert from "node:assert/strict";
import { secretKnownOf } from "../../provider/rules/stored";
import type { CheckedInputs } from "../../provider/rules/types";
import { createToken, failure, inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";

describe("adoption and name conflicts (provider over HTTP)", function () {
    this.timeout(30_000);
    const ctx = useHarness({ perTest: true });

    /** The API client's own identity id, learned from a token it makes (and then deletes). */
    async function ownIdentity(): Promise<string> {
        const { id, outs } = await createToken(ctx.h.provider(), {
            name: "probe",
            expirationDate: inDays(9),
        });
        ctx.h.emulator.deleteToken(id);
        return outs.owner.id;
    }

    it("adoptTokenId takes an existing token over: one list, one PATCH of what differs, same id, no POST", async () => {
        const me = await ownIdentity();
        const existing = ctx.h.emulator.createToken(me, {
            name: "made-in-ui",
            scope: ["sp:scopes:all"],
            expirationDate: inDays(60),
        });
        ctx.h.emulator.resetRequests();
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, {
            name: "made-in-ui",
            scope: ["sp:scopes:default"],
            expirationDate: existing.expirationDate,
            apiVersion: "v2025",
            adoptTokenId: existing.id,
        });
        assert.equal(id, existing.id);
        assert.equal(secretKnownOf(outs), false);
        assert.equal(outs.secret, "");
        assert.equal(outs.adoptTokenId, existing.id);
        assert.deepEqual(
            ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.method),
            ["GET", "PATCH"],
        );
        assert.deepEqual(ctx.h.emulator.tokens()[0].scope, ["sp:scopes:default"]);
        assert.ok(ctx.h.emulator.verifySecret(id, existing.secret), "the users' secret still works");
        // The next preview: kept, no change; an update keeps the adoption on record.
        const diff = await p.diff(id, outs, { ...(outs as CheckedInputs), adoptTokenId: undefined });
        assert.equal(diff.changes, false);
        const renamed = await p.update(id, outs, {
            name: "renamed",
            scope: ["sp:scopes:default"],
            expirationDate: existing.expirationDate,
            apiVersion: "v2025",
        });
        assert.equal(renamed.outs?.adoptTokenId, existing.id);
        assert.equal(
            (await p.diff(id, renamed.outs!, { ...(renamed.outs as CheckedInputs) })).changes,
            false,
        );
    });

    it("refuses to adopt another identity's token or an unknown id, and changes nothing", async () => {
        const bob = ctx.h.emulator.addIdentity({ name: "Bob" });
        const foreign = ctx.h.emulator.createToken(bob.id, { name: "bobs", expirationDate: inDays(60) });
        const p = ctx.h.provider();
        for (const adoptTokenId of [foreign.id, "0000000000000000000000000000dead"]) {
            const error = await failure(
                "adopt a foreign token",
                createToken(p, { name: "bobs", expirationDate: inDays(60), adoptTokenId }),
            );
            assert.match(error.message, /the API client's identity has no token with this id/);
            assert.match(error.message, new RegExp(adoptTokenId));
        }
        const { secret, ...unchanged } = foreign;
        assert.ok(ctx.h.emulator.verifySecret(foreign.id, secret));
        assert.deepEqual(ctx.h.emulator.tokens(), [unchanged]);
    });

    it("a name clash fails by default, naming the token (id, created, lastUsed) and the way out; deletes nothing", async () => {
        const me = await ownIdentity();
        const left = ctx.h.emulator.createToken(me, { name: "clash", expirationDate: inDays(30) });
        const error = await failure(
            "name clash",
            createToken(ctx.h.provider(), { name: "clash", expirationDate: inDays(30) }),
        );
        assert.match(error.message, /HTTP 400/);
        assert.match(
            error.message,
            new RegExp(
                `token ${left.id} \\("clash"\\), created ${left.created.replace(/\./g, "\\.")}, last used never`,
            ),
        );
        assert.match(error.message, /onNameConflict: "replace"/);
        assert.match(error.message, /Nothing was deleted/);
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => t.id),
            [left.id],
        );
    });

    it('onNameConflict "adopt" takes the same-named token over; "replace" deletes it and makes one whose secret we hold', async () => {
        const me = await ownIdentity();
        const p = ctx.h.provider();
        const a = ctx.h.emulator.createToken(me, { name: "keep-me", expirationDate: inDays(30) });
        const adopted = await createToken(p, {
            name: "keep-me",
            expirationDate: a.expirationDate,
            apiVersion: "v2025",
            onNameConflict: "adopt",
        });
        assert.equal(adopted.id, a.id);
        assert.equal(adopted.outs.adoptTokenId, a.id);
        assert.equal(secretKnownOf(adopted.outs), false);

        const r = ctx.h.emulator.createToken(me, { name: "renew-me", expirationDate: inDays(30) });
        const replaced = await createToken(p, {
            name: "renew-me",
            expirationDate: inDays(30),
            onNameConflict: "replace",
        });
        assert.notEqual(replaced.id, r.id);
        assert.equal(secretKnownOf(replaced.outs), true);
        assert.equal(replaced.outs.adoptTokenId, undefined);
        assert.ok(ctx.h.emulator.verifySecret(replaced.id, replaced.outs.secret));
        assert.deepEqual(
            ctx.h.emulator
                .tokens()
                .map((t) => t.id)
                .sort(),
            [a.id, replaced.id].sort(),
        );
    });

    it("onNameConflict never touches another owner's token of the same name, nor a platform-managed one", async () => {
        const me = await ownIdentity();
        const bob = ctx.h.emulator.addIdentity({ name: "Bob" });
        const bobs = ctx.h.emulator.createToken(bob.id, { name: "shared-name", expirationDate: inDays(30) });
        const p = ctx.h.provider();
        const mine = await createToken(p, {
            name: "shared-name",
            expirationDate: inDays(30),
            onNameConflict: "replace",
        });
        assert.equal(secretKnownOf(mine.outs), true);
        const workflow = ctx.h.emulator.createToken(me, {
            name: "wf",
            managed: true,
            expirationDate: inDays(30),
        });
        const error = await failure(
            "managed clash",
            createToken(p, { name: "wf", expirationDate: inDays(30), onNameConflict: "replace" }),
        );
        assert.match(error.message, /managed by the platform/);
        const ids = ctx.h.emulator.tokens().map((t) => t.id);
        assert.ok(ids.includes(bobs.id) && ids.includes(workflow.id));
    });

    it("adoptTokenId is used up at creation: the replacement of the adopted resource makes a new token", async () => {
        const existing = ctx.h.emulator.createToken(ctx.h.identityId, {
            name: "x",
            expirationDate: inDays(30),
        });
        const p = ctx.h.provider();
        const declared = {
            name: "x",
            expirationDate: existing.expirationDate,
            apiVersion: "v2025",
            adoptTokenId: existing.id,
        };
        const adopted = await createToken(p, declared);
        // The engine: diff says replace (the opt-in), deletes first (same name), re-checks and creates.
        const news = { ...adopted.inputs, replaceIfSecretUnknown: true };
        const diff = await p.diff(adopted.id, adopted.outs, news);
        assert.deepEqual(diff.replaces, ["secret"]);
        assert.equal(diff.deleteBeforeReplace, true);
        await p.delete(adopted.id, adopted.outs);
        const renewed = await createToken(p, { ...declared, replaceIfSecretUnknown: true });
        assert.notEqual(renewed.id, existing.id);
        assert.equal(secretKnownOf(renewed.outs), true);
        assert.equal(renewed.outs.adoptTokenId, undefined);
        assert.ok(ctx.h.emulator.verifySecret(renewed.id, renewed.outs.secret));
    });

    describe("the engine's orders of calls never delete a token another resource holds", () => {
        /** A token made outside the stack, adopted by resource `a` in an earlier process. */
        async function adoptedByA() {
            const existing = ctx.h.emulator.createToken(ctx.h.identityId, {
                name: "in-use",
                expirationDate: inDays(30),
            });
            hygiene.secret(existing.secret);
            const declared = {
                name: "in-use",
                expirationDate: existing.expirationDate,
                apiVersion: "v2025",
                adoptTokenId: existing.id,
            };
            const a = await createToken(ctx.h.provider(), declared);
            return { existing, declared, a };
        }

        it("rename a→b (create new URN, then delete old URN, one process): the token stays, its secret works", async () => {
            const { existing, declared, a } = await adoptedByA();
            const notices: string[] = [];
            const up = ctx.h.provider({ notify: (m) => notices.push(m) });
            const b = await createToken(up, declared);
            assert.equal(b.id, existing.id);
            await up.delete(a.id, a.outs);
            assert.ok(ctx.h.emulator.verifySecret(existing.id, existing.secret), "the users' secret works");
            assert.match(
                notices.join("\n"),
                new RegExp(`token ${existing.id} is not deleted: another resource`),
            );
            // Interrupted between the two: the next process's diff of b keeps the id; a's delete spares it.
            const next = ctx.h.provider({ notify: () => undefined });
            assert.deepEqual((await next.diff(b.id, b.outs, b.inputs)).replaces, []);
            await next.delete(a.id, a.outs);
            assert.ok(ctx.h.emulator.verifySecret(existing.id, existing.secret));
            // A destroy (no create, no diff) deletes it, as for any token of the stack.
            await ctx.h.provider().delete(b.id, b.outs);
            assert.deepEqual(ctx.h.emulator.tokens(), []);
        });

        it("`up --replace` (create without diff, then delete the original): the token stays", async () => {
            const { existing, declared, a } = await adoptedByA();
            const up = ctx.h.provider({ notify: () => undefined });
            const replacement = await createToken(up, declared);
            assert.equal(replacement.id, existing.id);
            await up.delete(a.id, a.outs);
            assert.ok(ctx.h.emulator.verifySecret(existing.id, existing.secret));
        });

        it('onNameConflict "adopt" of a token the stack made, when its resource is renamed: the token stays', async () => {
            const declared = { name: "self-made", expirationDate: inDays(30), onNameConflict: "adopt" };
            const a = await createToken(ctx.h.provider(), declared);
            const up = ctx.h.provider({ notify: () => undefined });
            const b = await createToken(up, declared);
            assert.equal(b.id, a.id);
            await up.delete(a.id, a.outs);
            assert.ok(ctx.h.emulator.verifySecret(a.id, a.outs.secret), "a's secret still works");
        });

        it("a replacement that made a new token still deletes the old one", async () => {
            const a = await createToken(ctx.h.provider(), { name: "v", expirationDate: inDays(30) });
            const up = ctx.h.provider();
            const news = { ...a.inputs, accessTokenValiditySeconds: 3600 };
            assert.deepEqual((await up.diff(a.id, a.outs, news)).replaces, ["accessTokenValiditySeconds"]);
            // Create first (the old token moves aside: same name), then the engine deletes the old one.
            const b = await createToken(up, news);
            await up.delete(a.id, a.outs);
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => t.id),
                [b.id],
            );
        });
    });

    describe('onNameConflict "replace": the old token goes only once the new one exists', () => {
        it("a create the API refuses for another reason (the owner's cap) deletes nothing", async () => {
            const inUse = ctx.h.emulator.createToken(ctx.h.identityId, {
                name: "in-use",
                expirationDate: inDays(30),
            });
            hygiene.secret(inUse.secret);
            for (let i = 0; i < 9; i++)
                ctx.h.emulator.createToken(ctx.h.identityId, { name: `t${i}`, expirationDate: inDays(30) });
            const error = await failure(
                "refused replacement",
                createToken(ctx.h.provider(), {
                    name: "in-use",
                    expirationDate: inDays(30),
                    onNameConflict: "replace",
                }),
            );
            assert.match(error.message, /at most 10 personal access tokens/);
            assert.ok(ctx.h.emulator.verifySecret(inUse.id, inUse.secret), "the in-use token is kept");
            assert.equal(ctx.h.emulator.tokens().length, 10);
        });

        it("new first under an interim name, then DELETE the old, then PATCH the name", async () => {
            const old = ctx.h.emulator.createToken(ctx.h.identityId, {
                name: "renew-me",
                expirationDate: inDays(30),
            });
            ctx.h.emulator.resetRequests();
            const made = await createToken(ctx.h.provider(), {
                name: "renew-me",
                expirationDate: inDays(30),
                onNameConflict: "replace",
            });
            const calls = ctx.h.emulator.requests.filter((r) => r.operation !== "token");
            assert.deepEqual(
                calls.map((r) => r.method),
                // The list before the POST, the list after its refusal; the interim name needs none.
                ["GET", "POST", "GET", "POST", "DELETE", "PATCH"],
            );
            assert.equal(made.outs.name, "renew-me");
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => [t.id, t.name]),
                [[made.id, "renew-me"]],
            );
            assert.notEqual(made.id, old.id);
        });

        it("a failed rename leaves the interim name in the state; the next up's diff and update rename it", async () => {
            ctx.h.emulator.createToken(ctx.h.identityId, { name: "renew-me", expirationDate: inDays(30) });
            ctx.h.emulator.faults.add({ kind: "500", method: "PATCH" });
            const notices: string[] = [];
            const made = await createToken(ctx.h.provider({ notify: (m) => notices.push(m) }), {
                name: "renew-me",
                expirationDate: inDays(30),
                onNameConflict: "replace",
            });
            assert.match(made.outs.name, /^renew-me-replacing-[0-9a-f]{12}$/);
            assert.match(
                notices.join("\n"),
                /renaming it from .* to "renew-me" failed.*the next pulumi up renames it/,
            );
            ctx.h.emulator.faults.clear();
            const next = ctx.h.provider();
            const diff = await next.diff(made.id, made.outs, made.inputs);
            assert.deepEqual(diff.replaces, []);
            assert.equal(diff.changes, true);
            const updated = await next.update(made.id, made.outs, made.inputs);
            assert.equal(updated.outs?.name, "renew-me");
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => [t.id, t.name]),
                [[made.id, "renew-me"]],
            );
        });

        it("a failed delete of the old token deletes the new one again and says so", async () => {
            const old = ctx.h.emulator.createToken(ctx.h.identityId, {
                name: "renew-me",
                expirationDate: inDays(30),
            });
            hygiene.secret(old.secret);
            ctx.h.emulator.faults.add({ kind: "500", method: "DELETE", path: new RegExp(old.id) });
            const error = await failure(
                "old token not deletable",
                createToken(ctx.h.provider(), {
                    name: "renew-me",
                    expirationDate: inDays(30),
                    onNameConflict: "replace",
                }),
            );
            assert.match(error.message, new RegExp(`deleting token ${old.id} \\("renew-me"\\) failed`));
            assert.match(error.message, /it was deleted again, so nothing changed/);
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => t.id),
                [old.id],
            );
            assert.ok(ctx.h.emulator.verifySecret(old.id, old.secret));
        });
    });

    it("check names the property and what is valid", async () => {
        const p = ctx.h.provider();
        const { failures } = await p.check(
            {},
            { name: "x", expirationDate: inDays(30), adoptTokenId: "../x", onNameConflict: "delete" },
        );
        assert.deepEqual(failures, [
            { property: "adoptTokenId", reason: "must be a token id: letters, digits, - and _ only" },
            { property: "onNameConflict", reason: 'must be one of fail, adopt, replace; got "delete"' },
        ]);
        assert.equal(ctx.h.emulator.requests.length, 0);
    });
});

// The package under the real Pulumi engine: CLI runs against the emulator, the package installed
// from its packed tarball.
import assert from "node:assert/strict";
import type { IscEmulator } from "../../emulator";
import { inDays } from "../support/harness";
import { useStack } from "../support/stack";

/** Requests the provider made to the PAT API (not the token endpoint), by operation. */
export function apiCalls(emulator: IscEmulator): string[] {
    return emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
}

describe("end to end: the token lifecycle under the Pulumi CLI", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {
        token: { name: "e2e-token", scope: ["sp:scopes:default"], expirationDate: inDays(60) },
    });

    it("up creates one token; preview and refresh then report no changes", async () => {
        await ctx.project.run(["up", "--yes"]);
        assert.equal(ctx.h.emulator.tokens().length, 1);
        const outputs = ctx.project.outputs();
        assert.equal(outputs.clientId, ctx.h.emulator.tokens()[0].id);
        assert.equal(outputs.clientSecret, "[secret]");
        const secret = ctx.project.outputs(true).clientSecret as string;
        ctx.h.emulator.resetRequests();
        assert.ok(
            ctx.h.emulator.verifySecret(outputs.clientId as string, secret),
            "the exported secret is the token's",
        );

        const preview = await ctx.project.run(["preview", "--diff", "--expect-no-changes"]);
        assert.match(preview.stdout, /2 unchanged/);
        // --skip-preview: a refresh otherwise reads everything twice (preview pass, then the refresh).
        await ctx.project.run(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
        await ctx.project.run(["preview", "--expect-no-changes"]);
        assert.deepEqual(
            apiCalls(ctx.h.emulator),
            ["list"],
            "check and diff call no API; refresh lists once",
        );
    });

    it("a rename updates in place: same id, one PATCH", async () => {
        const id = ctx.project.outputs().clientId;
        await ctx.project.setConfig("token.name", "e2e-renamed");
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(preview.stdout, /~ name\s*: "e2e-token" => "e2e-renamed"/);
        assert.match(preview.stdout, /1 to update/);
        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes"]);
        assert.equal(ctx.project.outputs().clientId, id);
        assert.deepEqual(apiCalls(ctx.h.emulator), ["patch"]);
        assert.equal(ctx.h.emulator.tokens()[0].name, "e2e-renamed");
    });

    it("a scope change updates in place; a reordered scope changes nothing", async () => {
        const id = ctx.project.outputs().clientId;
        await ctx.project.setConfig("token.scope", ["sp:scopes:default", "idn:access-request:manage"]);
        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes"]);
        assert.equal(ctx.project.outputs().clientId, id);
        assert.deepEqual(apiCalls(ctx.h.emulator), ["patch"]);
        assert.deepEqual(ctx.h.emulator.tokens()[0].scope, [
            "sp:scopes:default",
            "idn:access-request:manage",
        ]);
        await ctx.project.setConfig("token.scope", ["idn:access-request:manage", "sp:scopes:default"]);
        await ctx.project.run(["preview", "--expect-no-changes"]);
    });

    it("a validity change replaces the token: new id, old one gone, no name clash", async () => {
        const oldId = ctx.project.outputs().clientId as string;
        await ctx.project.setConfig("token.accessTokenValiditySeconds", 3600);
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(preview.stdout, /\+-.*accessTokenValiditySeconds/s);
        assert.match(preview.stdout, /1 to replace/);
        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes"]);
        const newId = ctx.project.outputs().clientId as string;
        assert.notEqual(newId, oldId);
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => t.id),
            [newId],
        );
        assert.deepEqual(
            apiCalls(ctx.h.emulator),
            ["delete", "create"],
            "delete first: the name stays the same",
        );
        assert.ok(
            ctx.h.emulator.requests.every((r) => r.status === null || r.status < 400),
            "no request was refused",
        );
        assert.equal(ctx.h.emulator.tokens()[0].accessTokenValiditySeconds, 3600);
    });

    it("destroy leaves zero tokens at the emulator", async () => {
        await ctx.project.run(["destroy", "--yes"]);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });
});

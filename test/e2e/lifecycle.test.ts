// The package under the real Pulumi engine: CLI runs against the emulator, the package installed
// from its packed tarball.
import assert from "node:assert/strict";
import type { IscEmulator } from "../../emulator";
import { writtenDate } from "../../provider/rules/dates";
import { inDays } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { useStack } from "../support/stack";
import { filledFixture } from "../support/state-fixture";
import { assertStateSize, IMPLIED_OUTPUTS, tokenStateSizes, tokensOf } from "../support/state-size";

/** Whether a token's credentials mint a bearer token at the emulator's token endpoint. */
async function mintsBearer(baseUrl: string, id: string, secret: string): Promise<boolean> {
    const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: id,
        client_secret: secret,
    });
    const answer = await fetch(`${baseUrl}/oauth/token`, { method: "POST", body });
    await answer.arrayBuffer();
    return answer.status === 200;
}

/** Requests the provider made to the PAT API (not the token endpoint), by operation. */
export function apiCalls(emulator: IscEmulator): string[] {
    return emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
}

const SIG = "4dabf18193072939515e22adb298388d";

describe("end to end: the token lifecycle under the Pulumi CLI", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {
        token: { name: "e2e-token", scope: ["sp:scopes:default"], expirationDate: inDays(60) },
    });

    it("up creates one token; preview and refresh then report no changes", async () => {
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens().length, 1);
        // The provider's own state per token: no default, no constant; check stores no apiVersion v1.
        const { resources } = (await ctx.project.exportState()).deployment;
        tokenStateSizes(resources).forEach(assertStateSize);
        assert.ok(!("apiVersion" in tokensOf(resources)[0].inputs), "no apiVersion v1 in the inputs");
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
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(ctx.project.outputs().clientId, id);
        assert.deepEqual(apiCalls(ctx.h.emulator), ["patch"]);
        assert.equal(ctx.h.emulator.tokens()[0].name, "e2e-renamed");
    });

    it("a scope change updates in place; a reordered scope changes nothing", async () => {
        const id = ctx.project.outputs().clientId;
        await ctx.project.setConfig("token.scope", ["sp:scopes:default", "idn:access-request:manage"]);
        // From here on, a resource of the program takes the token's credentials (see the replacement).
        await ctx.project.setConfig("consumer", true);
        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(ctx.project.outputs().clientId, id);
        assert.deepEqual(apiCalls(ctx.h.emulator), ["patch"]);
        assert.deepEqual(ctx.h.emulator.tokens()[0].scope, [
            "sp:scopes:default",
            "idn:access-request:manage",
        ]);
        await ctx.project.setConfig("token.scope", ["idn:access-request:manage", "sp:scopes:default"]);
        await ctx.project.run(["preview", "--expect-no-changes"]);
    });

    it("a validity change replaces the token keeping its name: a live token throughout, converged in one up", async () => {
        // One read of the outputs serves (each read is a CLI run).
        const before = ctx.project.outputs(true);
        const [oldId, oldSecret, name] = [before.clientId, before.clientSecret, before.name] as string[];
        await ctx.project.setConfig("token.accessTokenValiditySeconds", 3600);
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(preview.stdout, /\+-.*accessTokenValiditySeconds/s);
        assert.match(preview.stdout, /1 to replace/);
        ctx.h.emulator.resetRequests();
        // During the up: the old token's credentials mint bearer tokens, again and again, and the
        // emulator's tokens are looked at each time: until the new token exists, the old one works.
        const seen: { mints: boolean; ids: string[] }[] = [];
        let running = true;
        const watching = (async () => {
            while (running) {
                const mints = await mintsBearer(ctx.h.emulator.baseUrl, oldId, oldSecret);
                seen.push({ mints, ids: ctx.h.emulator.tokens().map((t) => t.id) });
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
        })();
        try {
            await ctx.project.run(["up", "--yes", "--skip-preview"]);
        } finally {
            running = false;
            await watching;
        }
        const after = ctx.project.outputs(true);
        const [newId, newSecret] = [after.clientId, after.clientSecret] as string[];
        assert.notEqual(newId, oldId);
        assert.ok(ctx.h.emulator.verifySecret(newId, newSecret), "the exported secret is the new token's");
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => [t.id, t.name]),
            [[newId, name]],
            "the declared name at the API, the old token gone",
        );
        assert.deepEqual(
            apiCalls(ctx.h.emulator),
            ["patch", "list", "create", "delete"],
            "the old token moves aside, the owner's list before the POST, the new one is made, the old one is deleted last",
        );
        const writes = ctx.h.emulator.requests.filter(
            (r) => r.operation !== "token" && r.operation !== "list",
        );
        assert.deepEqual(
            writes.map((r) => [r.method, r.path.endsWith(`/${oldId}`) ? "old token" : r.path, r.status]),
            [
                ["PATCH", "old token", 200],
                ["POST", "/personal-access-tokens/v1", 200],
                ["DELETE", "old token", 204],
            ],
        );
        assert.ok(seen.filter((s) => s.mints).length > 0, "the old credentials worked during the up");
        for (const s of seen) {
            assert.ok(
                s.mints || s.ids.includes(newId),
                `no working token at one moment: ${JSON.stringify(s)}`,
            );
            assert.ok(s.ids.length > 0, "never a moment without a token");
        }
        assert.equal(seen[seen.length - 1].mints, false, "the old token stopped working once deleted");
        // The dependent took the new credentials in the same up, after the new token was made and
        // before the old one was deleted: they minted a bearer token when it got them.
        assert.equal(after.consumerClientId, newId);
        assert.equal(after.consumerMinted, true);
        const order = ctx.h.emulator.requests
            .filter((r) => r.operation === "create" || r.operation === "delete" || r.clientId === newId)
            .map((r) => r.operation);
        assert.deepEqual(order, ["create", "token", "delete"]);
        await ctx.project.run(["preview", "--expect-no-changes"]);
        assert.equal(ctx.h.emulator.tokens()[0].accessTokenValiditySeconds, 3600);
    });

    it("destroy leaves zero tokens at the emulator", async () => {
        await ctx.project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });
});

describe("end to end: a state written by version 0.1.0 (the dynamic door) under the Pulumi CLI", function () {
    this.timeout(600_000);
    const expirationDate = inDays(60);
    const ctx = useStack("e2e-program", {
        token: { name: "e2e-token", scope: ["sp:scopes:default"], expirationDate },
    });

    it("previews with no change; a refresh rewrites it lean with the one list it always made; destroy", async () => {
        // The token that state records, at this run's emulator; the state as 0.1.0 exported it.
        const { secret, ...token } = ctx.h.emulator.createToken(ctx.h.identityId, {
            name: "e2e-token",
            scope: ["sp:scopes:default"],
            expirationDate,
        });
        hygiene.secret(secret);
        const file = filledFixture(
            "state-0.1.0-dynamic.json",
            {
                stack: ctx.project.stack,
                tenant: ctx.h.emulator.baseUrl,
                id: token.id,
                ownerId: token.owner.id,
                ownerName: token.owner.name ?? "",
                secret,
                expirationDate,
                created: writtenDate(token.created),
            },
            ctx.project,
        );
        await ctx.project.run(["stack", "import", "--file", file]);
        const [old] = tokensOf((await ctx.project.exportState()).deployment.resources);
        assert.equal(old.inputs.apiVersion, "v1", "0.1.0 stored the apiVersion it filled in");
        assert.deepEqual(
            IMPLIED_OUTPUTS.filter((k) => k in old.outputs),
            IMPLIED_OUTPUTS,
            "the imported state is 0.1.0's, every value spelled out",
        );

        ctx.h.emulator.resetRequests();
        await ctx.project.run(["preview", "--expect-no-changes"]);
        assert.deepEqual(apiCalls(ctx.h.emulator), [], "check and diff call no API");

        await ctx.project.run(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
        assert.deepEqual(apiCalls(ctx.h.emulator), ["list"], "the refresh lists once, as it always did");
        const { text, deployment } = await ctx.project.exportState();
        const [lean] = tokensOf(deployment.resources);
        assert.deepEqual(
            IMPLIED_OUTPUTS.filter((k) => k in lean.outputs),
            [],
            "the refresh wrote the lean form",
        );
        assert.ok((lean.outputs.secret as Record<string, unknown>)[SIG], "secret is still a secret");
        assert.ok(!text.includes(secret), "no secret in the state in plain text");
        assert.ok(!("apiVersion" in lean.inputs), "the refresh wrote lean inputs: no apiVersion v1");
        tokenStateSizes(deployment.resources).forEach(assertStateSize);

        ctx.h.emulator.resetRequests();
        await ctx.project.run(["preview", "--expect-no-changes"]);
        assert.deepEqual(apiCalls(ctx.h.emulator), []);
        assert.ok(ctx.h.emulator.verifySecret(token.id, ctx.project.outputs(true).clientSecret as string));

        await ctx.project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });
});

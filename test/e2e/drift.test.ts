// Refresh tells the truth under the engine: out-of-band deletes and renames.
import assert from "node:assert/strict";
import { inDays } from "../support/harness";
import { useStack } from "../support/stack";

describe("end to end: out-of-band changes", function () {
    this.timeout(600_000);
    // One stack for both: each test starts from one live token the state tracks, which the first
    // leaves as it found it (recreated under the declared name), and either runs alone too.
    const ctx = useStack("e2e-program", {
        token: { name: "drifting", scope: ["sp:scopes:default"], expirationDate: inDays(30) },
        up: true,
    });

    it("a token deleted out of band: refresh drops it, the next up creates it again", async () => {
        const oldId = ctx.project.outputs().clientId as string;
        ctx.h.emulator.deleteToken(oldId);
        const refresh = await ctx.project.run(["refresh", "--yes", "--skip-preview"]);
        assert.match(refresh.stdout, /- .*token .*deleted/);
        const preview = await ctx.project.run(["preview"]);
        assert.match(preview.stdout, /1 to create/);
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const tokens = ctx.h.emulator.tokens();
        assert.equal(tokens.length, 1);
        assert.notEqual(tokens[0].id, oldId);
        assert.equal(ctx.project.outputs().clientId, tokens[0].id);
    });

    it("a token renamed out of band: refresh records it, the next preview shows the drift, up repairs it", async () => {
        const id = ctx.project.outputs().clientId as string;
        ctx.h.emulator.patchToken(id, { name: "renamed-in-the-ui" });
        await ctx.project.run(["refresh", "--yes", "--skip-preview"]);
        const state = await ctx.project.exportState();
        const token = state.deployment.resources.find((r) =>
            String(r.type).endsWith("PersonalAccessToken"),
        ) as {
            outputs: { name: string };
        };
        assert.equal(token.outputs.name, "renamed-in-the-ui");
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(preview.stdout, /~ name\s*: "renamed-in-the-ui" => "drifting"/);
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens()[0].name, "drifting");
        assert.equal(ctx.project.outputs().clientId, id);
    });
});

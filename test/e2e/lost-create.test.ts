// Under the real engine: a lost create whose clean-up DELETE fails too goes through the engine's
// "initialization failed" path. The stack must not wedge: refresh, the next up (which replaces the
// token, whose secret is unknown) and destroy all work, and nothing is left behind.
import assert from "node:assert/strict";
import { inDays } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { useStack, type StackContext } from "../support/stack";

interface StateResource {
    type: string;
    id?: string;
    outputs?: Record<string, unknown>;
    initErrors?: string[];
}

async function tokenInState(ctx: StackContext): Promise<StateResource | undefined> {
    const state = await ctx.project.exportState();
    return ((state.deployment.resources ?? []) as unknown as StateResource[]).find((r) =>
        r.type.endsWith("PersonalAccessToken"),
    );
}

/** `pulumi up` meets a lost create (reset after processing) whose clean-up DELETE keeps failing. */
async function wedgingUp(ctx: StackContext): Promise<string> {
    ctx.h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
    ctx.h.emulator.faults.add({ kind: "500", method: "DELETE" });
    const up = await ctx.project.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
    assert.notEqual(up.status, 0);
    const [token] = ctx.h.emulator.tokens();
    assert.ok(token, "the lost create's token exists");
    assert.match(up.output, new RegExp(`Token "lost" \\(id ${token.id}, created `));
    assert.match(up.output, /the next pulumi up replaces it/);
    const tracked = await tokenInState(ctx);
    assert.equal(tracked?.id, token.id, "the engine tracks the token");
    assert.ok(tracked?.initErrors?.length, "as a resource that failed to initialize");
    assert.equal(typeof tracked?.outputs?.__provider, "string", "with the serialized provider");
    ctx.h.emulator.faults.clear();
    return token.id;
}

describe("end to end: a lost create whose clean-up fails does not wedge the stack", function () {
    this.timeout(600_000);
    // One stack for both: the first ends with a destroy, so each starts from an empty stack.
    const ctx = useStack("e2e-program", {
        token: { name: "lost", scope: ["sp:scopes:default"], expirationDate: inDays(30) },
    });

    it("refresh works, the next up replaces the token, destroy leaves nothing", async () => {
        const lostId = await wedgingUp(ctx);
        const refresh = await ctx.project.run(["refresh", "--yes", "--skip-preview"]);
        assert.equal(refresh.status, 0);
        assert.equal((await tokenInState(ctx))?.id, lostId, "refresh keeps the live token");

        const preview = await ctx.project.run(["preview"]);
        assert.match(preview.stdout, /1 to replace/);
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const tokens = ctx.h.emulator.tokens();
        assert.equal(tokens.length, 1, "the lost token was replaced, not kept beside the new one");
        assert.notEqual(tokens[0].id, lostId);
        const outputs = ctx.project.outputs(true);
        hygiene.secret(outputs.clientSecret as string);
        assert.equal(outputs.clientId, tokens[0].id);
        assert.ok(ctx.h.emulator.verifySecret(tokens[0].id, outputs.clientSecret as string));
        const preview2 = await ctx.project.run(["preview"]);
        assert.doesNotMatch(preview2.stdout, /to replace|to update|to create/);

        await ctx.project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });

    it("destroy right after the failed up deletes the token", async () => {
        await wedgingUp(ctx);
        await ctx.project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(ctx.h.emulator.tokens().length, 0);
        assert.equal(await tokenInState(ctx), undefined);
    });
});

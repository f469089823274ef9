// Rotation under the engine: a token inside its window is rotated by one plain `pulumi up`.
// Time is moved, not waited for: the token's expiry is brought forward at the emulator, as if
// weeks had passed, and `pulumi refresh` records it.
import assert from "node:assert/strict";
import { hygiene } from "../support/hygiene";
import { useStack } from "../support/stack";

describe("end to end: rotation", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {
        token: { name: "rotating", rotation: { expiresInDays: 30, rotateBeforeDays: 7 } },
    });

    it("rotates a token inside its window in one up: new secret in the outputs, old token gone, then nothing", async () => {
        await ctx.project.run(["up", "--yes"]);
        const first = ctx.project.outputs(true);
        hygiene.secret(first.clientSecret as string);
        const [token] = ctx.h.emulator.tokens();
        assert.match(token.name, /^rotating-\d{8}T\d{6}Z$/);
        await ctx.project.run(["preview", "--expect-no-changes"]);

        // Three days before expiry: inside the 7-day window.
        const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
        ctx.h.emulator.patchToken(token.id, { expirationDate: soon });
        await ctx.project.run(["refresh", "--yes", "--skip-preview"]);

        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(
            preview.output,
            /PersonalAccessToken "rotating": the token expires on .*, inside the 7-day rotation window/,
        );
        assert.match(preview.stdout, /\+-.*replace/);

        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes"]);
        const second = ctx.project.outputs(true);
        hygiene.secret(second.clientSecret as string);
        assert.notEqual(second.clientId, first.clientId);
        assert.ok(ctx.h.emulator.verifySecret(second.clientId as string, second.clientSecret as string));
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => t.id),
            [second.clientId],
            "the outgoing token is gone",
        );
        const operations = ctx.h.emulator.requests
            .filter((r) => r.operation !== "token")
            .map((r) => r.operation);
        assert.deepEqual(operations, ["create", "delete"], "the new token exists before the old one goes");

        await ctx.project.run(["up", "--yes", "--expect-no-changes"]);
    });
});

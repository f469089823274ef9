// Rotation under the engine: a token inside its window is rotated by one plain `pulumi up`.
// Time is moved, not waited for: the token's expiry is brought forward at the emulator, as if
// weeks had passed, and `pulumi refresh` records it.
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";

describe("end to end: rotation", function () {
    this.timeout(600_000);
    let h: Harness;
    let project: Project;
    before(async () => {
        h = await startHarness();
        project = new Project("e2e-program", h.env);
        await project.init();
        await project.setConfig("token", {
            name: "rotating",
            rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
        });
    });
    after(async () => {
        await project.run(["destroy", "--yes"], { allowFailure: true });
        project.cleanup();
        await h.emulator.stop();
    });

    it("rotates a token inside its window in one up: new secret in the outputs, old token gone, then nothing", async () => {
        await project.run(["up", "--yes"]);
        const first = project.outputs(true);
        hygiene.secret(first.clientSecret as string);
        const [token] = h.emulator.tokens();
        assert.match(token.name, /^rotating-\d{8}T\d{6}Z$/);
        await project.run(["preview", "--expect-no-changes"]);

        // Three days before expiry: inside the 7-day window.
        const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
        h.emulator.patchToken(token.id, { expirationDate: soon });
        await project.run(["refresh", "--yes", "--skip-preview"]);

        const preview = await project.run(["preview", "--diff"]);
        assert.match(
            preview.output,
            /PersonalAccessToken "rotating": the token expires on .*, inside the 7-day rotation window/,
        );
        assert.match(preview.stdout, /\+-.*replace/);

        h.emulator.resetRequests();
        await project.run(["up", "--yes"]);
        const second = project.outputs(true);
        hygiene.secret(second.clientSecret as string);
        assert.notEqual(second.clientId, first.clientId);
        assert.ok(h.emulator.verifySecret(second.clientId as string, second.clientSecret as string));
        assert.deepEqual(
            h.emulator.tokens().map((t) => t.id),
            [second.clientId],
            "the outgoing token is gone",
        );
        const operations = h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
        assert.deepEqual(operations, ["create", "delete"], "the new token exists before the old one goes");

        await project.run(["up", "--yes", "--expect-no-changes"]);
    });
});

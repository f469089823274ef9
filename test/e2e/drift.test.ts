// Refresh tells the truth under the engine: out-of-band deletes and renames.
import assert from "node:assert/strict";
import { inDays, startHarness, type Harness } from "../support/harness";
import { Project } from "../support/pulumi";

describe("end to end: out-of-band changes", function () {
    this.timeout(600_000);
    let h: Harness;
    let project: Project;

    beforeEach(async () => {
        h = await startHarness();
        project = new Project("e2e-program", h.env);
        await project.init();
        await project.setConfig("token", {
            name: "drifting",
            scope: ["sp:scopes:default"],
            expirationDate: inDays(30),
        });
        await project.run(["up", "--yes"]);
    });
    afterEach(async () => {
        await project.run(["destroy", "--yes"], { allowFailure: true });
        project.cleanup();
        await h.emulator.stop();
    });

    it("a token deleted out of band: refresh drops it, the next up creates it again", async () => {
        const oldId = project.outputs().clientId as string;
        h.emulator.deleteToken(oldId);
        const refresh = await project.run(["refresh", "--yes", "--skip-preview"]);
        assert.match(refresh.stdout, /- .*token .*deleted/);
        const preview = await project.run(["preview"]);
        assert.match(preview.stdout, /1 to create/);
        await project.run(["up", "--yes"]);
        const tokens = h.emulator.tokens();
        assert.equal(tokens.length, 1);
        assert.notEqual(tokens[0].id, oldId);
        assert.equal(project.outputs().clientId, tokens[0].id);
    });

    it("a token renamed out of band: refresh records it, the next preview shows the drift, up repairs it", async () => {
        const id = project.outputs().clientId as string;
        h.emulator.patchToken(id, { name: "renamed-in-the-ui" });
        await project.run(["refresh", "--yes", "--skip-preview"]);
        const state = await project.exportState();
        const token = state.deployment.resources.find((r) =>
            String(r.type).endsWith("PersonalAccessToken"),
        ) as {
            outputs: { name: string };
        };
        assert.equal(token.outputs.name, "renamed-in-the-ui");
        const preview = await project.run(["preview", "--diff"]);
        assert.match(preview.stdout, /~ name\s*: "renamed-in-the-ui" => "drifting"/);
        await project.run(["up", "--yes"]);
        assert.equal(h.emulator.tokens()[0].name, "drifting");
        assert.equal(project.outputs().clientId, id);
    });
});

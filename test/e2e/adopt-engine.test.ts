// The engine's real orders of calls on adopted tokens, under the real Pulumi CLI, in one stack: a
// logical rename (create the new URN, then delete the old one), `pulumi up --replace`, and
// onNameConflict "adopt" of a token the stack made keep the token and its users' secret; destroy
// deletes an adopted token, and Pulumi's retainOnDelete lets one go instead.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hygiene } from "../support/hygiene";
import { inDays, useHarness } from "../support/harness";
import { Project } from "../support/pulumi";
import { pulumiCli } from "../../scripts/pulumi-project";

const TOKEN_TYPE = "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken";

interface TokenState {
    urn: string;
    id: string;
    secret: string;
}

/** The tokens in the stack's state, secrets shown (registered for hygiene, never printed). */
function tokens(project: Project): TokenState[] {
    const result = spawnSync(pulumiCli(), ["stack", "export", "--show-secrets"], {
        cwd: project.dir,
        env: project.env,
        encoding: "utf8",
    });
    const resources = JSON.parse(result.stdout).deployment.resources as {
        type: string;
        urn: string;
        id: string;
        outputs: { secret?: { plaintext?: string } | string };
    }[];
    return resources
        .filter((r) => r.type === TOKEN_TYPE)
        .map((r) => {
            const raw = r.outputs.secret;
            const secret =
                typeof raw === "object" && raw?.plaintext ? JSON.parse(raw.plaintext) : (raw ?? "");
            hygiene.secret(secret);
            return { urn: r.urn, id: r.id, secret };
        });
}

describe("end to end: adopted tokens under the engine's orders of calls, destroy and retainOnDelete", function () {
    this.timeout(900_000);
    const ctx = useHarness();
    let project: Project;

    /** The users' secret mints a bearer token at the emulator's token endpoint. */
    async function mints(id: string, secret: string): Promise<boolean> {
        const body = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: id,
            client_secret: secret,
        });
        const answer = await fetch(`${ctx.h.emulator.baseUrl}/oauth/token`, { method: "POST", body });
        return answer.status === 200;
    }

    before(async () => {
        project = new Project("e2e-program", ctx.h.env);
        await project.init();
    });
    // The last test destroys the stack; a run stopped before it leaves the stack to cleanup() alone.
    after(() => project?.cleanup());

    const external = () => ctx.h.emulator.tokens().find((t) => t.name === "made-in-ui");
    let existing: { id: string; secret: string; expirationDate: string | null };
    const adoptedArgs = () => ({
        name: "made-in-ui",
        expirationDate: existing.expirationDate,
        apiVersion: "v2025",
        adoptTokenId: existing.id,
    });

    it("a rename (a → b) of an adopted resource keeps the token: the state's id is live, the users' secret mints", async () => {
        existing = ctx.h.emulator.createToken(ctx.h.identityId, {
            name: "made-in-ui",
            expirationDate: inDays(60),
        });
        hygiene.secret(existing.secret);
        await project.setConfig("tokens", { a: adoptedArgs() });
        // The set-up's ups skip their previews; the steps under test (the rename, --replace) keep theirs.
        await project.run(["up", "--yes", "--skip-preview"]);
        await project.setConfig("tokens", { b: adoptedArgs() });
        const up = await project.run(["up", "--yes"]);
        const [b] = tokens(project);
        assert.match(b.urn, /::b$/);
        assert.equal(b.id, existing.id);
        assert.ok(external(), "the token is live");
        assert.ok(await mints(existing.id, existing.secret), "the users' secret still mints a bearer token");
        assert.match(up.stdout + up.stderr, /is not deleted: another resource of this stack holds it now/);
        await project.run(["preview", "--refresh", "--expect-no-changes"]);
    });

    it("`pulumi up --replace <urn>` of an adopted resource keeps the token", async () => {
        const [b] = tokens(project);
        await project.run(["up", "--yes", "--replace", b.urn]);
        assert.deepEqual(
            tokens(project).map((t) => t.id),
            [existing.id],
        );
        assert.ok(await mints(existing.id, existing.secret));
        await project.run(["preview", "--refresh", "--expect-no-changes"]);
    });

    it('onNameConflict "adopt" of a token the stack made, when its resource is renamed (c → d), keeps it', async () => {
        const own = {
            name: "self-made",
            expirationDate: inDays(30),
            apiVersion: "v2025",
            onNameConflict: "adopt",
        };
        await project.setConfig("tokens", { b: adoptedArgs(), c: own });
        await project.run(["up", "--yes", "--skip-preview"]);
        const c = tokens(project).find((t) => t.urn.endsWith("::c")) as TokenState;
        assert.ok(c.secret, "c made its token: its secret is known");
        await project.setConfig("tokens", { b: adoptedArgs(), d: own });
        await project.run(["up", "--yes"]);
        const d = tokens(project).find((t) => t.urn.endsWith("::d")) as TokenState;
        assert.equal(d.id, c.id);
        assert.ok(await mints(c.id, c.secret), "c's secret still mints");
        await project.run(["preview", "--refresh", "--expect-no-changes"]);
    });

    it("retainOnDelete lets an adopted token go; destroy deletes an adopted token its users still hold", async () => {
        const d = tokens(project).find((t) => t.urn.endsWith("::d")) as TokenState;
        await project.setConfig("retain", ["b"]);
        await project.run(["up", "--yes", "--skip-preview"]);
        // b leaves the program: with retainOnDelete, the stack forgets it and the token stays.
        await project.setConfig("tokens", {
            d: {
                name: "self-made",
                expirationDate: inDays(30),
                apiVersion: "v2025",
                onNameConflict: "adopt",
            },
        });
        await project.run(["up", "--yes"]);
        assert.deepEqual(
            tokens(project).map((t) => t.id),
            [d.id],
        );
        assert.ok(await mints(existing.id, existing.secret), "the retained token still works");
        // d holds an adopted token: destroy deletes it, and its users' secret stops working.
        await project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(
            ctx.h.emulator.tokens().find((t) => t.id === d.id),
            undefined,
        );
        assert.equal(await mints(d.id, d.secret), false);
        assert.ok(external(), "the retained token is still at the API");
    });
});

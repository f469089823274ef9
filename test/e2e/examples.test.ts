// Every example is a working Pulumi project: up makes its tokens, destroy removes them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pulumiCli, REPO } from "../../scripts/pulumi-project";
import { runRecorded } from "../support/bin";
import { inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";

describe("end to end: the examples", function () {
    this.timeout(600_000);
    const ctx = useHarness({ perTest: true });

    async function upAndDestroy(example: string, configure: (p: Project) => Promise<void>, tokens: number) {
        const project = new Project(example, ctx.h.env);
        try {
            await project.init();
            await configure(project);
            // The example's preview is the no-change one below; its up and destroy skip theirs.
            await project.run(["up", "--yes", "--skip-preview"]);
            assert.equal(ctx.h.emulator.tokens("v2025").length, tokens);
            const outputs = project.outputs(true);
            // The secret outputs: clientSecret, or (fleet) a map of them.
            hygiene.secret(outputs.clientSecret as string | undefined);
            for (const value of Object.values((outputs.clientSecrets ?? {}) as Record<string, string>)) {
                hygiene.secret(value);
            }
            await project.run(["preview", "--expect-no-changes"]);
            await project.run(["destroy", "--yes", "--skip-preview"]);
            assert.equal(ctx.h.emulator.tokens().length, 0);
            return outputs;
        } finally {
            project.cleanup();
        }
    }

    it("basic: one token with the expiry from the stack config", async () => {
        const expiry = inDays(30);
        const outputs = await upAndDestroy("basic", (p) => p.setConfig("expirationDate", expiry), 1);
        assert.equal(outputs.expirationDate, expiry);
    });

    it("never-expires: one token without an expiry, on v2025", async () => {
        const outputs = await upAndDestroy("never-expires", async () => undefined, 1);
        assert.equal(outputs.expirationDate, null);
    });

    it("fleet: one token per integration from the stack config", async () => {
        const outputs = await upAndDestroy(
            "fleet",
            (p) =>
                p.setConfig("tokens", [
                    {
                        name: "jira-sync",
                        scope: ["idn:access-request:manage"],
                        expirationDate: inDays(120),
                    },
                    {
                        name: "hr-feed",
                        scope: ["sp:scopes:default"],
                        accessTokenValiditySeconds: 3600,
                        expirationDate: inDays(60),
                    },
                ]),
            2,
        );
        assert.deepEqual(Object.keys(outputs.clientIds as object).sort(), ["hr-feed", "jira-sync"]);
    });

    it("rotation: one rotating token with its due date", async () => {
        const outputs = await upAndDestroy("rotation", async () => undefined, 1);
        assert.match(outputs.tokenName as string, /^ci-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
        assert.ok(Date.parse(outputs.rotationDueAt as string) > Date.now());
        // overlapDays is declared; no rotation has happened yet, so no previous token is named.
        assert.equal(outputs.previousGeneration, undefined);
    });

    it("emulator-test: the user's own test passes against isc-pat emulator, with the README's program", async () => {
        const readme = readFileSync(join(REPO, "README.md"), "utf8");
        const program = readFileSync(join(REPO, "examples", "emulator-test", "index.ts"), "utf8");
        assert.ok(readme.includes("```ts\n" + program + "```"), "index.ts is the README's complete program");

        const project = new Project("emulator-test");
        try {
            await project.init();
            // As CI runs it: `npm test` in the project, the Pulumi CLI on PATH, no SAIL_* of ours.
            const { code, output } = await runRecorded("npm", ["test"], {
                cwd: project.dir,
                env: { ...project.env, PATH: `${dirname(pulumiCli())}:${project.env.PATH}` },
            });
            assert.equal(code, 0, output);
            assert.match(output, /# pass 3\b/);
            assert.match(output, /# fail 0\b/);
            // The tokens were the test's own emulator's, not this harness's.
            assert.equal(ctx.h.emulator.tokens().length, 0);
        } finally {
            project.cleanup();
        }
    });
});

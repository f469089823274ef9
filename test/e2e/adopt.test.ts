// Adoption and interrupted runs under the real Pulumi CLI: an adopted token is kept and the next
// preview shows no change; a `pulumi up` killed with SIGKILL mid-way recovers in two commands
// (cancel, up) with the documented opt-in, leaving no orphan, no duplicate and nothing foreign touched.
import assert from "node:assert/strict";
import { secretKnownOf } from "../../provider/rules/stored";
import { spawn, spawnSync } from "node:child_process";
import { hygiene } from "../support/hygiene";
import { inDays, useHarness } from "../support/harness";
import { Project } from "../support/pulumi";
import { exitOf, until } from "../support/until";
import { pulumiCli } from "../../scripts/pulumi-project";
import { PERSONAL_ACCESS_TOKEN_TYPE as TOKEN_TYPE } from "../../provider/rules/types";

interface TokenState {
    urn: string;
    id: string;
    outputs: { secret: unknown; secretKnown?: boolean; adoptTokenId?: string };
}

/** The tokens in the stack's state, secrets shown (never recorded: this text is not printed). */
function stateWithSecrets(project: Project): {
    tokens: TokenState[];
    pending: unknown[];
    outputs: Record<string, unknown>;
} {
    const result = spawnSync(pulumiCli(), ["stack", "export", "--show-secrets"], {
        cwd: project.dir,
        env: project.env,
        encoding: "utf8",
    });
    const deployment = JSON.parse(result.stdout).deployment;
    const tokens = (deployment.resources as TokenState[] & { type: string }[]).filter(
        (r) => (r as unknown as { type: string }).type === TOKEN_TYPE,
    );
    for (const t of tokens) {
        // A secret output is exported as {<sig>, plaintext: "<JSON>"}.
        const secret = t.outputs.secret as { plaintext?: string } | string;
        t.outputs.secret =
            typeof secret === "object" && secret?.plaintext ? JSON.parse(secret.plaintext) : secret;
        hygiene.secret(t.outputs.secret as string);
    }
    // The stack's outputs are its root resource's: one read serves for them and for the tokens.
    const stack = (deployment.resources as { type: string; outputs?: Record<string, unknown> }[]).find(
        (r) => r.type === "pulumi:pulumi:Stack",
    );
    return { tokens, pending: deployment.pending_operations ?? [], outputs: stack?.outputs ?? {} };
}

describe("end to end: adoption and interrupted runs", function () {
    this.timeout(600_000);
    // One owner makes 20 tokens in the interrupted run: the per-owner cap (10, as in the product) is off.
    const ctx = useHarness({ perTest: true, emulator: { maxTokensPerOwner: null } });

    it("adopts an existing token: up keeps its id and users' secret, then preview shows no changes", async () => {
        const existing = ctx.h.emulator.createToken(ctx.h.identityId, {
            name: "made-in-ui",
            scope: ["sp:scopes:default"],
            expirationDate: inDays(90),
        });
        hygiene.secret(existing.secret);
        const project = new Project("e2e-program", ctx.h.env);
        try {
            await project.init();
            await project.setConfig("token", {
                name: "made-in-ui",
                scope: ["sp:scopes:default"],
                expirationDate: existing.expirationDate,
                apiVersion: "v2025",
                adoptTokenId: existing.id,
            });
            // With its preview: the one list is the whole up's.
            await project.run(["up", "--yes"]);
            assert.deepEqual(
                ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation),
                ["list"],
                "a matching token is adopted with no write",
            );
            assert.ok(ctx.h.emulator.verifySecret(existing.id, existing.secret));
            const adopted = stateWithSecrets(project);
            assert.equal(adopted.outputs.clientId, existing.id);
            const [token] = adopted.tokens;
            assert.equal(token.outputs.secretKnown, false);
            assert.equal(token.outputs.adoptTokenId, existing.id);
            await project.run(["preview", "--expect-no-changes"]);
            await project.run(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
            await project.run(["preview", "--expect-no-changes"]);

            // The opt-in: the next up replaces it (delete first: the name stays) to learn a secret.
            await project.setConfig("token.replaceIfSecretUnknown", true);
            await project.run(["up", "--yes", "--skip-preview"]);
            const [renewed] = stateWithSecrets(project).tokens;
            assert.notEqual(renewed.id, existing.id);
            assert.equal(secretKnownOf(renewed.outputs), true);
            assert.ok(ctx.h.emulator.verifySecret(renewed.id, renewed.outputs.secret as string));
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => t.id),
                [renewed.id],
            );
        } finally {
            project.cleanup();
        }
    });

    /**
     * Starts `pulumi up` of 20 tokens named sig-N and kills its whole process group (CLI, language
     * host, provider, as a CI runner's kill does) once 8 of them exist at the API.
     */
    async function killMidway(project: Project): Promise<void> {
        const { emulator } = ctx.h;
        emulator.setLatency(150);
        // No preview: the kill is meant for the update's creates.
        const child = spawn(pulumiCli(), ["up", "--yes", "--skip-preview", "--non-interactive"], {
            cwd: project.dir,
            env: project.env,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = exitOf(child, "pulumi up (to be killed mid-way)");
        await until(() => mine().length >= 8, "8 tokens of the up at the API", { unless: exited });
        process.kill(-(child.pid as number), "SIGKILL");
        await exited;
        await emulator.idle();
        emulator.setLatency(0);
        assert.ok(mine().length < 20, `killed mid-way (${mine().length} of 20 made)`);
        assert.ok(stateWithSecrets(project).pending.length > 0, "the kill left pending creates in the state");
    }

    /** The owner's tokens of the interrupted run at the API. */
    function mine() {
        return ctx.h.emulator
            .tokens()
            .filter((t) => t.name.startsWith("sig-") && t.owner.id === ctx.h.identityId);
    }

    /** A foreign token of a run's name and an unrelated one of the owner: nothing may touch them. */
    function bystanders() {
        const { emulator } = ctx.h;
        const bob = emulator.addIdentity({ name: "Bob" });
        const tokens = [
            emulator.createToken(bob.id, { name: "sig-3", expirationDate: inDays(30) }),
            emulator.createToken(ctx.h.identityId, { name: "ci-manual", expirationDate: inDays(30) }),
        ];
        for (const t of tokens) hygiene.secret(t.secret);
        return () => {
            for (const t of tokens)
                assert.ok(emulator.verifySecret(t.id, t.secret), `${t.name} is untouched`);
        };
    }

    /** No orphan, no duplicate: the state's 20 tokens are exactly the run's tokens at the API. */
    function assertRecovered(project: Project): TokenState[] {
        const after = stateWithSecrets(project);
        assert.equal(after.tokens.length, 20);
        assert.equal(mine().length, 20, "no orphan, no duplicate");
        assert.deepEqual(
            after.tokens.map((t) => t.id).sort(),
            mine()
                .map((t) => t.id)
                .sort(),
        );
        return after.tokens;
    }

    /**
     * Ends an interrupted run's stack with no CLI run (each test has its own emulator, stopped after it):
     * cleanup() ends the plugin processes a kill left and removes the backend.
     */
    function cleanUp(project: Project): void {
        ctx.h.emulator.setLatency(0);
        project.cleanup();
    }

    it('a SIGKILLed up of 20 tokens recovers with `pulumi cancel` and `pulumi up` (onNameConflict "replace")', async () => {
        const untouched = bystanders();
        const project = new Project("e2e-program", ctx.h.env);
        try {
            await project.init({ count: "20" });
            await project.setConfig("token", {
                name: "sig",
                expirationDate: inDays(30),
                onNameConflict: "replace",
            });
            await killMidway(project);

            // Recovery: two commands, no console work.
            await project.run(["cancel", "--yes"]);
            await project.run(["up", "--yes"]);

            for (const t of assertRecovered(project)) {
                assert.equal(secretKnownOf(t.outputs), true);
                assert.ok(
                    ctx.h.emulator.verifySecret(t.id, t.outputs.secret as string),
                    `${t.urn}: the secret works`,
                );
            }
            untouched();
            await project.run(["preview", "--expect-no-changes"]);
            // The engine keeps the interrupted creates listed (a warning on each run) until this.
            await project.run(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
            const cleared = stateWithSecrets(project);
            assert.deepEqual(cleared.pending, []);
            assert.equal(cleared.tokens.length, 20);
            await project.run(["preview", "--expect-no-changes"]);
        } finally {
            cleanUp(project);
        }
    });

    it("without the opt-in, the next up fails naming the left tokens and the recovery; adopting them recovers", async () => {
        const untouched = bystanders();
        const project = new Project("e2e-program", ctx.h.env);
        try {
            await project.init({ count: "20" });
            await project.setConfig("token", {
                name: "sig",
                expirationDate: inDays(30),
                apiVersion: "v2025",
            });
            await killMidway(project);
            const left = mine();
            await project.run(["cancel", "--yes"]);
            // It fails in the update's create: no preview needed (the recovery test's up has its own).
            const failed = await project.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
            assert.notEqual(failed.status, 0);
            const inState = new Set(stateWithSecrets(project).tokens.map((t) => t.id));
            const orphans = left.filter((t) => !inState.has(t.id));
            assert.ok(orphans.length > 0);
            // The engine stops scheduling after the first failures: each clash it met names its token.
            const named = orphans.filter((t) =>
                failed.output.includes(`token ${t.id} ("${t.name}"), created ${t.created}, last used never`),
            );
            assert.ok(named.length > 0, "the failure names the left token: id, created, last used");
            assert.match(failed.output, /pulumi refresh --clear-pending-creates --yes/);
            assert.match(failed.output, /onNameConflict: "adopt"/);
            untouched();

            await project.setConfig("token.onNameConflict", "adopt");
            await project.run(["up", "--yes", "--skip-preview"]);
            for (const t of assertRecovered(project)) {
                const wasOrphan = orphans.some((o) => o.id === t.id);
                assert.equal(
                    secretKnownOf(t.outputs),
                    !wasOrphan,
                    `${t.urn}: adopted tokens say their secret is unknown`,
                );
                assert.equal(t.outputs.adoptTokenId, wasOrphan ? t.id : undefined);
                if (!wasOrphan) assert.ok(ctx.h.emulator.verifySecret(t.id, t.outputs.secret as string));
            }
            untouched();
            await project.run(["preview", "--expect-no-changes"]);
        } finally {
            cleanUp(project);
        }
    });
});

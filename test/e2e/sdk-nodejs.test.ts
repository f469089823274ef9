// A TypeScript program through the generated Node.js SDK (sdk/nodejs), under the real CLI, with two
// provider instances against two emulators (two tenants, two API clients): each token is made at its
// own provider's tenant with its own credentials, and destroy empties both. The plugin is the one
// the installed npm package ships, named in the project's Pulumi.yaml.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runIscPat } from "../support/bin";
import { createToken, inDays, startHarness, type Harness } from "../support/harness";
import { mints } from "../support/mint";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { installedSdkProgram, removeSdkBuilds } from "../support/sdk";

type StateResource = { type: string; urn: string; inputs?: Record<string, unknown> };

/** The engine's mark of a secret value in a stack export. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && SECRET_SIG in value;
}

describe("end to end: the generated Node.js SDK with two provider instances", function () {
    this.timeout(900_000);
    let sandbox: Harness;
    let production: Harness;
    let project: Project | undefined;

    before(async () => {
        sandbox = await startHarness();
        production = await startHarness();
    });
    after(async () => {
        project?.cleanup();
        removeSdkBuilds();
        await sandbox?.emulator.stop();
        await production?.emulator.stop();
    });

    it("makes each token at its own provider's tenant with its own credentials; destroy empties both", async () => {
        // No SAIL_* anywhere: a default provider could reach neither tenant.
        project = new Project(installedSdkProgram());
        await project.init(
            {
                expirationDate: inDays(30),
                sandboxBaseUrl: sandbox.emulator.baseUrl,
                sandboxClientId: sandbox.clientId,
                productionBaseUrl: production.emulator.baseUrl,
                productionClientId: production.clientId,
            },
            { sandboxClientSecret: sandbox.clientSecret, productionClientSecret: production.clientSecret },
        );
        await project.run(["up", "--yes", "--skip-preview"]);

        const [sandboxToken] = sandbox.emulator.tokens("v1");
        const [productionToken] = production.emulator.tokens("v1");
        assert.deepEqual(
            sandbox.emulator.tokens("v1").map((t) => [t.name, t.owner.id]),
            [["sandbox-ci", sandbox.identityId]],
            "the sandbox tenant holds its token, owned by its API client's identity",
        );
        assert.deepEqual(
            production.emulator.tokens("v1").map((t) => [t.name, t.owner.id]),
            [["production-ci", production.identityId]],
            "the production tenant holds its token, owned by its API client's identity",
        );
        for (const [tenant, other] of [
            [sandbox, production],
            [production, sandbox],
        ]) {
            const clients = new Set(
                tenant.emulator.requests.map((r) => r.clientId).filter((c) => c !== null),
            );
            assert.deepEqual([...clients], [tenant.clientId], "each tenant saw only its own API client");
            assert.ok(
                tenant.emulator.requests.every((r) => !JSON.stringify(r).includes(other.clientId)),
                "and never the other's",
            );
        }
        assert.equal(production.emulator.counts((r) => r.operation === "create").total, 1);
        assert.ok(
            production.emulator.requests.some((r) => r.operation === "create" && r.apiVersion === "v2025"),
            "the production provider's apiVersion (the SDK's enum) chose the API version",
        );

        const outputs = project.outputs();
        assert.equal(outputs.sandboxId, sandboxToken.id);
        assert.equal(outputs.productionId, productionToken.id);
        assert.equal(outputs.sandboxOwner, sandbox.identityId);
        assert.equal(outputs.productionApiVersion, "v2025");
        assert.equal(outputs.sandboxSecret, "[secret]", "the secret output is a secret");
        assert.equal(outputs.productionSecret, "[secret]");
        const shown = project.outputs(true);
        hygiene.secret(shown.sandboxSecret as string);
        hygiene.secret(shown.productionSecret as string);
        assert.ok(sandbox.emulator.verifySecret(sandboxToken.id, shown.sandboxSecret as string));
        assert.ok(production.emulator.verifySecret(productionToken.id, shown.productionSecret as string));

        // The state: provider credentials are secrets, and no plaintext secret (the run's observer
        // also fails on any registered secret in the export).
        const { text, deployment } = await project.exportState();
        for (const secret of [sandbox.clientSecret, production.clientSecret, shown.sandboxSecret]) {
            assert.ok(!text.includes(secret as string), "no plaintext secret in the state");
        }
        const providers = (deployment.resources as StateResource[]).filter(
            (r) => r.type === "pulumi:providers:iscpat" && !r.urn.endsWith("::default"),
        );
        assert.equal(providers.length, 2, "two explicit provider instances");
        for (const provider of providers) {
            assert.ok(
                isSecretValue(provider.inputs?.clientSecret),
                "the client secret is a secret in the state",
            );
        }

        // No change: the preview sends no write to either tenant.
        sandbox.emulator.resetRequests();
        production.emulator.resetRequests();
        await project.run(["preview", "--expect-no-changes"]);
        for (const tenant of [sandbox, production]) {
            const counts = tenant.emulator.counts();
            assert.equal(
                counts.create + counts.patch + counts.delete,
                0,
                "a no-change preview writes nothing",
            );
        }

        // A token no stack manages, at the sandbox: isc-pat audit --emit-import names the provider at
        // that tenant (the stack has two), pulumi import --file writes the TypeScript, and the next up
        // keeps the token.
        const users = await createToken(sandbox.provider({ notify: () => undefined }), {
            name: "audited-sdk",
            expirationDate: inDays(30),
        });
        const file = join(project.dir, "import.json");
        const audit = await runIscPat(
            project,
            ["audit", "--stack", project.stack, "--emit-import", file],
            sandbox.env,
        );
        assert.equal(audit.status, 0, audit.stderr);
        const written = JSON.parse(readFileSync(file, "utf8"));
        const sandboxUrn = (deployment.resources as StateResource[]).find(
            (r) => r.type === "pulumi:providers:iscpat" && r.urn.endsWith("::sandbox"),
        )?.urn;
        assert.deepEqual(written, {
            resources: [
                {
                    type: "iscpat:index:PersonalAccessToken",
                    name: "audited-sdk",
                    id: users.id,
                    provider: "sandbox",
                },
            ],
            nameTable: { sandbox: sandboxUrn },
        });
        // The Node.js language host this CLI is built with has no code generation (GenerateProgram):
        // the import records the token, and the declaration it would write is added here.
        const imported = await project.run([
            "import",
            "--file",
            file,
            "--protect=false",
            "--yes",
            "--generate-code=false",
            "--skip-preview",
        ]);
        assert.match(imported.output, /1 imported/, imported.output);
        appendFileSync(
            join(project.dir, "index.ts"),
            `\nnew iscpat.PersonalAccessToken("audited-sdk", { name: "audited-sdk", expirationDate: ${JSON.stringify(users.outs.expirationDate)} }, { provider: sandboxProvider });\n`,
        );
        sandbox.emulator.resetRequests();
        await project.run(["up", "--yes", "--skip-preview"]);
        const kept = sandbox.emulator.counts();
        assert.equal(kept.create + kept.patch + kept.delete, 0, "the imported token is kept");
        assert.ok(
            await mints(sandbox.emulator.baseUrl, users.id, users.outs.secret),
            "its users' secret works",
        );

        await project.run(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(sandbox.emulator.tokens(), [], "destroy empties the sandbox tenant");
        assert.deepEqual(production.emulator.tokens(), [], "destroy empties the production tenant");
    });
});

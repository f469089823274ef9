// Secrets under the engine: the state, the serialized provider and every CLI output, with
// credentials from the stack config or the SAIL_* environment.
import assert from "node:assert/strict";
import { inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { configKey } from "../../provider/isc-client/settings";

type StateResource = { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };

function tokenResources(resources: Record<string, unknown>[]): StateResource[] {
    return (resources as StateResource[]).filter((r) => r.type.endsWith(":PersonalAccessToken"));
}

describe("end to end: secrets and credentials", function () {
    this.timeout(600_000);
    const ctx = useHarness({ perTest: true });

    it("credentials from the stack config; a changed config secret is used by destroy", async () => {
        const project = new Project("e2e-program", {});
        try {
            await project.init(
                {
                    [configKey("dynamic", "baseUrl")]: ctx.h.emulator.baseUrl,
                    [configKey("dynamic", "clientId")]: ctx.h.clientId,
                },
                { [configKey("dynamic", "clientSecret")]: ctx.h.clientSecret },
            );
            await project.setConfig("token", { name: "from-config", expirationDate: inDays(30) });
            await project.run(["up", "--yes", "--skip-preview"]);
            const secret = project.outputs(true).clientSecret as string;
            hygiene.secret(secret);
            assert.equal(ctx.h.emulator.tokens().length, 1);

            const { text, deployment } = await project.exportState();
            assert.ok(!text.includes(secret), "the PAT secret is not in the state in plain text");
            assert.ok(
                !text.includes(ctx.h.clientSecret),
                "the client secret is not in the state in plain text",
            );
            assert.doesNotMatch(
                text,
                /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./,
                "no bearer token in the state",
            );
            const [token] = tokenResources(deployment.resources);
            const outputs = token.outputs as Record<string, unknown>;
            assert.equal(
                (outputs.secret as Record<string, unknown>)["4dabf18193072939515e22adb298388d"],
                "1b47061264138c4ac30d75fd1eb44270",
            );
            const provider = String((token.inputs as Record<string, unknown>).__provider);
            assert.match(
                provider,
                /require\("@isc-pat\/pulumi-sailpoint-pat\/dist\/provider\/serialized-provider\.js"\)/,
            );
            assert.ok(
                !provider.includes(ctx.h.clientId) && !provider.includes(ctx.h.emulator.baseUrl),
                "no settings captured",
            );
            assert.ok(provider.length < 2048, `the serialized provider is small (${provider.length} bytes)`);

            // Rotate the API client's credentials in the config: destroy must use the new ones. A plain
            // destroy runs no program and uses the provider settings recorded by the last up;
            // --run-program reads the current config (the README says so).
            const newSecret = "rotated-client-secret-0123456789";
            hygiene.secret(newSecret);
            // The same identity's new API client: a token's owner is its identity (another identity
            // would be treated like another tenant: test/integration/tenancy.test.ts).
            ctx.h.emulator.addClient({
                clientId: "rotated-client",
                clientSecret: newSecret,
                identity: { id: ctx.h.identityId, name: "API Client" },
            });
            await project.run(["config", "set", configKey("dynamic", "clientId"), "rotated-client"]);
            await project.run(["config", "set", "--secret", configKey("dynamic", "clientSecret")], {
                input: newSecret,
            });
            ctx.h.emulator.resetRequests();
            await project.run(["destroy", "--yes", "--skip-preview", "--run-program"]);
            assert.equal(ctx.h.emulator.tokens().length, 0);
            assert.deepEqual(
                ctx.h.emulator.requests
                    .filter((r) => r.operation !== "token")
                    .map((r) => `${r.operation} ${r.clientId}`),
                ["delete rotated-client"],
            );
        } finally {
            project.cleanup();
        }
    });

    it("credentials from the SAIL_* environment; no CLI output shows a secret, even on failure", async () => {
        const project = new Project("e2e-program", ctx.h.env);
        try {
            await project.init();
            await project.setConfig("token", { name: "from-env", expirationDate: inDays(30) });
            await project.run(["up", "--yes"]);
            hygiene.secret(project.outputs(true).clientSecret as string);
            await project.run(["stack", "output"]);
            await project.run(["preview", "--diff", "--show-sames"]);
            await project.run(["refresh", "--yes", "--skip-preview"]);
            // A failing update: the API refuses every request.
            ctx.h.emulator.faults.add({ kind: "500" });
            await project.setConfig("token.name", "from-env-2");
            const failed = await project.run(["up", "--yes", "--skip-preview"], { allowFailure: true });
            assert.notEqual(failed.status, 0);
            assert.match(
                failed.output,
                /update personal access token \w+ failed: PATCH .* returned HTTP 500/,
            );
            ctx.h.emulator.faults.clear();
            await project.run(["destroy", "--yes", "--skip-preview"]);
            assert.deepEqual(hygiene.leaks(), []);
        } finally {
            project.cleanup();
        }
    });

    it("measures the state per token (reported in the README)", async () => {
        const project = new Project("e2e-program", ctx.h.env);
        try {
            await project.init({ count: "10" });
            await project.setConfig("token", { name: "sized", expirationDate: inDays(30) });
            await project.run(["up", "--yes", "--skip-preview"]);
            const { deployment } = await project.exportState();
            const tokens = tokenResources(deployment.resources);
            assert.equal(tokens.length, 10);
            const perToken = tokens.map((r) => JSON.stringify(r).length);
            const average = Math.round(perToken.reduce((a, b) => a + b, 0) / perToken.length);
            console.log(
                `      state per token: ${average} bytes (stack export, serialized provider included)`,
            );
            assert.ok(average < 3072, `state per token is ${average} bytes`);
        } finally {
            project.cleanup();
        }
    });
});

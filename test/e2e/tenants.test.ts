// Several tenants under the real CLI (issue 26, items 2 and 3), on examples/yaml: the default provider
// takes the SAIL_* environment (tenant a), the explicit provider `prod` its properties (tenant b). A
// partial explicit provider fails at preview and sends nothing; a provider that moves never claims
// success for the tokens it left behind. Each `pulumi` command is a new plugin process per provider.
import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pulumiYamlCli } from "../../scripts/pulumi-project";
import { writeTarballs } from "../../scripts/plugin-tarballs";
import { startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { yamlCommands } from "../support/readme";
import { FROM_ENVIRONMENT } from "../../provider/native/settings";

/** The tenants the stack's tokens record (in its exported state, or read now). */
async function recordedTenants(
    project: Project,
    state?: Awaited<ReturnType<Project["exportState"]>>,
): Promise<unknown[]> {
    const { deployment } = state ?? (await project.exportState());
    return deployment.resources
        .filter((r) => r.type === "iscpat:index:PersonalAccessToken")
        .map((r) => (r.outputs as Record<string, unknown>).tenant)
        .sort();
}

/**
 * Rewrites the stack's state (`text`, as exported) as versions before issue 26 wrote it: no tenant, owner
 * or environment record.
 */
async function writtenBeforeTenancy(project: Project, text: string): Promise<void> {
    const state = JSON.parse(text) as {
        deployment: { resources: Record<string, Record<string, unknown>>[] };
    };
    for (const resource of state.deployment.resources) {
        for (const fields of [resource.inputs, resource.outputs]) {
            for (const key of ["tenant", "owner", FROM_ENVIRONMENT]) delete fields?.[key];
        }
    }
    const file = join(project.dir, "before-tenancy.json");
    writeFileSync(file, JSON.stringify(state));
    await project.run(["stack", "import", "--file", file]);
    rmSync(file);
}

describe("end to end: tokens at several tenants keep to their own (examples/yaml)", function () {
    this.timeout(900_000);
    let a: Harness;
    let b: Harness;
    let c: Harness;
    let project: Project | undefined;

    before(async function () {
        const host = join(dirname(pulumiYamlCli()), "pulumi-language-yaml");
        assert.ok(existsSync(host), `the Pulumi YAML language host is not beside the CLI (${host})`);
        a = await startHarness();
        b = await startHarness();
        c = await startHarness();
    });
    after(async () => {
        project?.cleanup();
        for (const h of [a, b, c]) await h?.emulator.stop();
    });

    it("a partial explicit provider fails at preview; a moved provider and a moved environment never claim success", async () => {
        project = new Project("yaml", a.env);
        // The plugin installed by name from a tarball of the bundle `npm test` built, as the README's YAML
        // commands install it (test/e2e/yaml.test.ts runs the README's `npm run plugin-tarballs`: its
        // build here would only repeat npm test's).
        const install = /^pulumi plugin install resource iscpat (\S+) --file (\S+)$/.exec(yamlCommands()[0]);
        assert.ok(
            install,
            `the README's YAML commands start with the plugin's install: ${yamlCommands()[0]}`,
        );
        const tarball = writeTarballs(join(project.home, "plugins")).find((t) => basename(t) === install[2]);
        assert.ok(tarball, `a tarball named as the README's ${install[2]}`);
        await project.run(["plugin", "install", "resource", "iscpat", install[1], "--file", tarball]);
        await project.init(
            { prodBaseUrl: b.emulator.baseUrl, prodClientId: b.clientId },
            { prodClientSecret: "" },
        );

        // Tenant b's provider has no secret of its own: it fails naming it, and tenant a's secret (in
        // SAIL_CLIENT_SECRET) goes nowhere: tenant b hears nothing at all.
        const partial = await project.run(["preview"], { allowFailure: true });
        assert.notEqual(partial.status, 0);
        assert.match(partial.output, /clientSecret/);
        assert.match(partial.output, /is missing/);
        assert.equal(b.emulator.requests.length, 0);

        await project.run(["config", "set", "--secret", "prodClientSecret"], { input: b.clientSecret });
        // (No preview before this up: the preview's checks are the ones above and below.)
        await project.run(["up", "--yes", "--skip-preview"]);
        assert.equal(a.emulator.tokens().length, 1);
        assert.deepEqual(
            b.emulator.tokens().map((t) => t.name),
            ["prod-reporting"],
        );
        const made = await project.exportState();
        assert.deepEqual(
            await recordedTenants(project, made),
            [a.emulator.baseUrl, b.emulator.baseUrl].sort(),
        );

        // The same stack as an older version wrote it (no tenant, owner or environment recorded):
        // the preview shows no change and sends nothing; the next refresh records them with no request
        // beyond its one list per tenant (and a bearer token).
        await writtenBeforeTenancy(project, made.text);
        for (const h of [a, b]) h.emulator.resetRequests();
        await project.run(["preview", "--expect-no-changes"]);
        assert.equal(a.emulator.requests.length + b.emulator.requests.length, 0, "the preview sends nothing");
        await project.run(["refresh", "--yes", "--skip-preview"]);
        for (const h of [a, b]) {
            const sent = h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
            assert.deepEqual(sent, ["list"], `the refresh's requests at ${h.emulator.baseUrl}`);
        }
        assert.deepEqual(await recordedTenants(project), [a.emulator.baseUrl, b.emulator.baseUrl].sort());
        await project.run(["preview", "--expect-no-changes"]);

        // Another URL of tenant b (localhost for 127.0.0.1) converges in one up: the provider changes in
        // place, and its token records the new URL with nothing made, renamed or deleted.
        const alias = b.emulator.baseUrl.replace("127.0.0.1", "localhost");
        await project.run(["config", "set", "prodBaseUrl", alias]);
        b.emulator.resetRequests();
        // With its preview: the counts below are the whole up's.
        await project.run(["up", "--yes"]);
        const { create, patch, delete: deleted } = b.emulator.counts();
        assert.deepEqual([create, patch, deleted], [0, 0, 0], "nothing made, changed or deleted at b");
        assert.deepEqual(await recordedTenants(project), [a.emulator.baseUrl, alias].sort());
        await project.run(["preview", "--expect-no-changes"]);

        // `prod` moves to tenant c with a secret c refuses: the up fails, and b's token stays.
        const wrong = "not-the-secret-of-tenant-c-00998877";
        hygiene.secret(wrong);
        await project.run(["config", "set", "prodBaseUrl", c.emulator.baseUrl]);
        await project.run(["config", "set", "--secret", "prodClientSecret"], { input: wrong });
        const failed = await project.run(["up", "--yes"], { allowFailure: true });
        assert.notEqual(failed.status, 0);
        assert.equal(b.emulator.tokens().length, 1);
        assert.equal(c.emulator.tokens().length, 0);

        // The default provider's environment now names tenant c: a destroy (no program: the providers
        // of the state) must not count a's token gone, nor send the environment's secret to a.
        project.env.SAIL_BASE_URL = c.emulator.baseUrl;
        project.env.SAIL_CLIENT_ID = c.clientId;
        project.env.SAIL_CLIENT_SECRET = c.clientSecret;
        a.emulator.resetRequests();
        const destroy = await project.run(["destroy", "--yes"], { allowFailure: true });
        assert.notEqual(destroy.status, 0, destroy.output);
        assert.ok(destroy.output.includes(a.emulator.baseUrl), destroy.output);
        assert.ok(destroy.output.includes(c.emulator.baseUrl), destroy.output);
        assert.equal(a.emulator.tokens().length, 1, "a's token is not deleted, and not forgotten");
        assert.equal(a.emulator.counts().delete, 0);
        assert.ok(a.emulator.requests.every((r) => r.clientId !== c.clientId));
        // b's token: deleted at b by the provider recorded for it, or kept with both tenants named.
        if (b.emulator.tokens().length > 0) {
            assert.ok(destroy.output.includes(b.emulator.baseUrl), destroy.output);
        }
        const remaining = (await project.exportState()).deployment.resources.filter(
            (r) => r.type === "iscpat:index:PersonalAccessToken",
        );
        assert.equal(remaining.length, a.emulator.tokens().length + b.emulator.tokens().length);

        // Back to each token's own settings: the destroy finishes, every tenant empty.
        Object.assign(project.env, a.env);
        await project.run(["config", "set", "prodBaseUrl", b.emulator.baseUrl]);
        await project.run(["config", "set", "--secret", "prodClientSecret"], { input: b.clientSecret });
        await project.run(["destroy", "--yes", "--skip-preview", "--run-program"]);
        assert.equal(a.emulator.tokens().length + b.emulator.tokens().length + c.emulator.tokens().length, 0);
    });
});

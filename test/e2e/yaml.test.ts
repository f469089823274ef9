// examples/yaml under the real CLI with the Pulumi YAML language host, against two emulators (two
// tenants): the default provider from the iscpat: stack config at one, an explicit provider at the
// other. The plugin is installed by name from the tarball `npm run plugin-tarballs` builds, into the
// project's own PULUMI_HOME; the program names no plugin path. One project, one sequence of steps (each pulumi command is a new plugin process per provider).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { lockedPulumiVersion, packedPackage, pulumiYamlCli, REPO } from "../../scripts/pulumi-project";
import { packageVersion } from "../../scripts/bundle-plugin";
import { packageSchema } from "../../provider/native/package-schema";
import { runIscPat } from "../support/bin";
import { startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project, recordInvocation } from "../support/pulumi";
import { yamlCommands } from "../support/readme";
import { configKey } from "../../provider/isc-client/settings";
import { writtenDate } from "../../provider/rules/dates";
import { rotationDueAt } from "../../provider/rules/rotation";
import { filledFixture } from "../support/state-fixture";
import { assertStateSize, IMPLIED_OUTPUTS, tokenStateSizes, tokensOf } from "../support/state-size";
import { DAY } from "../support/time";

type StateResource = { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
const SIG = "4dabf18193072939515e22adb298388d";

/** Requests that change something at a tenant (creates, patches, deletes). */
/** Each token's stored apiVersion input by its resource name (the state's order is the engine's finishing order). */
function apiVersionsByName(resources: readonly Record<string, unknown>[]): Record<string, unknown> {
    return Object.fromEntries(tokensOf(resources).map((t) => [t.urn.split("::").pop(), t.inputs.apiVersion]));
}

function writes(h: Harness): number {
    const c = h.emulator.counts();
    return c.create + c.patch + c.delete;
}

describe("end to end: Pulumi YAML with two tenants (examples/yaml)", function () {
    this.timeout(900_000);
    let sandbox: Harness;
    let prod: Harness;
    let project: Project | undefined;

    before(async function () {
        // Builds the YAML language host beside the CLI on first use (minutes), and every Project runs that CLI.
        const host = join(dirname(pulumiYamlCli()), "pulumi-language-yaml");
        assert.ok(
            existsSync(host),
            `the Pulumi YAML language host is not beside the CLI (${host}): scripts/pulumi-yaml.sh builds it`,
        );
        sandbox = await startHarness();
        prod = await startHarness();
    });
    after(async () => {
        project?.cleanup();
        await sandbox?.emulator.stop();
        await prod?.emulator.stop();
    });

    it("installed by name: up, no-change preview, rename, bad input, a new tenant URL, destroy: each token at its own tenant", async () => {
        // No SAIL_* in the environment: the default provider reads the iscpat: stack config. The
        // README's commands for a YAML project, in order, the placeholders standing for the emulators.
        project = new Project("yaml", {});
        assert.ok(!existsSync(join(project.dir, "package.json")), "the YAML project installs no npm package");
        // The README's one command for the tarballs, in this clone (it builds first: tsc is incremental,
        // so after npm test's build it rewrites nothing; the bundle is made again).
        recordInvocation(["run", "plugin-tarballs"], "npm");
        execFileSync("npm", ["run", "plugin-tarballs", "--silent"], {
            cwd: REPO,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const version = packageVersion();
        const commands = yamlCommands();
        const install = /^pulumi plugin install resource iscpat (\S+) --file (\S+)$/.exec(commands[0]);
        assert.ok(install, `the YAML project's commands start with the plugin's install: ${commands[0]}`);
        assert.equal(install[1], version, "the README installs this package's version");
        const tarball = join(REPO, "dist", "plugins", install[2]);
        assert.ok(existsSync(tarball), `npm run plugin-tarballs wrote ${install[2]}`);
        const placeholders: Record<string, string> = {
            "https://acme-sb.api.identitynow.com": sandbox.emulator.baseUrl,
            "2c9180835d2e5168015d32f890ca1581": sandbox.clientId,
            "https://acme.api.identitynow.com": prod.emulator.baseUrl,
            "2c91808a7813090a017814121e121518": prod.clientId,
        };
        const secrets: Record<string, string> = {
            [configKey("native", "clientSecret")]: sandbox.clientSecret,
            prodClientSecret: prod.clientSecret,
        };
        for (const command of commands) {
            const [tool, ...args] = command.split(" ");
            assert.equal(tool, "pulumi", command);
            if (command === "pulumi stack init dev") {
                await project.init();
                continue;
            }
            const mapped = args.map((a) => (a === install[2] ? tarball : (placeholders[a] ?? a)));
            const input = mapped.includes("--secret") ? secrets[mapped[mapped.length - 1]] : undefined;
            if (mapped.includes("--secret")) assert.ok(input, `a secret for ${command}`);
            const run = await project.run(mapped, { input });
            // up: the rotating token at the default provider's tenant, the other at the explicit provider's.
            if (mapped[0] === "up") assert.match(run.output, /\+ 4 created/);
        }

        // Installed by name in this project's own PULUMI_HOME: listed, and its schema printed by name.
        const listed = await project.run(["plugin", "ls"]);
        assert.match(
            listed.stdout,
            new RegExp(`^iscpat\\s+resource\\s+${version.replace(/\./g, "\\.")}\\s`, "m"),
        );
        const printed = await project.run(["package", "get-schema", "iscpat"]);
        assert.deepEqual(JSON.parse(printed.stdout), packageSchema(version));

        const [ci] = sandbox.emulator.tokens("v1");
        assert.equal(sandbox.emulator.tokens().length, 1);
        assert.match(ci.name, /^ci-deploy-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
        assert.deepEqual(
            prod.emulator.tokens("v2025").map((t) => t.name),
            ["prod-reporting"],
        );
        const reportingId = prod.emulator.tokens()[0].id;

        // The secret outputs are secrets; shown on request, they are each tenant's token secrets.
        const shown = project.outputs(false);
        assert.equal(shown.ciClientSecret, "[secret]");
        assert.equal(shown.reportingClientSecret, "[secret]");
        const outputs = project.outputs(true);
        hygiene.secret(outputs.ciClientSecret as string);
        hygiene.secret(outputs.reportingClientSecret as string);
        assert.equal(outputs.ciClientId, ci.id);
        assert.ok(sandbox.emulator.verifySecret(ci.id, outputs.ciClientSecret as string));
        assert.ok(prod.emulator.verifySecret(reportingId, outputs.reportingClientSecret as string));
        assert.ok(Date.parse(outputs.ciRotationDueAt as string) > Date.now());

        // The state holds no plaintext PAT secret or client secret; both providers' client secrets are secrets.
        const { text, deployment } = await project.exportState();
        for (const secret of [
            outputs.ciClientSecret,
            outputs.reportingClientSecret,
            sandbox.clientSecret,
            prod.clientSecret,
        ]) {
            assert.ok(!text.includes(secret as string), "no secret in the state in plain text");
        }
        const resources = deployment.resources as StateResource[];
        const providers = resources.filter((r) => r.type === "pulumi:providers:iscpat");
        assert.equal(providers.length, 2, "the default provider and prod");
        for (const p of providers) {
            assert.ok(
                (p.outputs?.clientSecret as Record<string, unknown>)[SIG],
                "the client secret is a secret in the state",
            );
        }
        for (const token of resources.filter((r) => r.type === "iscpat:index:PersonalAccessToken")) {
            assert.ok(
                (token.outputs?.secret as Record<string, unknown>)[SIG],
                "secret is a secret in the state",
            );
        }
        // The provider's own state per token: no default, no constant; check stores apiVersion only if not v1.
        tokenStateSizes(deployment.resources).forEach(assertStateSize);
        assert.deepEqual(
            apiVersionsByName(deployment.resources),
            { ciToken: undefined, reportingToken: "v2025" },
            "ciToken's v1 is not stored in its inputs, reportingToken's v2025 is",
        );

        // isc-pat audit joins the native tokens with the state, reading the default provider's iscpat: config;
        // it comes with the npm package, which this project installs only for it. A sailpoint: key that
        // sets no connection (an apiVersion, say) does not hide that config: as for the providers, the
        // connection settings decide, and no SAIL_* is in the environment to fall back on.
        await project.run(["config", "set", configKey("dynamic", "apiVersion"), "v2025"]);
        execFileSync(
            "npm",
            [
                "install",
                "--prefer-offline",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                packedPackage(),
                `@pulumi/pulumi@${lockedPulumiVersion()}`,
            ],
            { cwd: project.dir, stdio: ["ignore", "ignore", "inherit"] },
        );
        const audit = await runIscPat(project, ["audit", "--stack", project.stack, "--json"]);
        assert.equal(audit.status, 0, audit.stderr);
        const entries = JSON.parse(audit.stdout) as { id: string; managed: boolean; stack?: string }[];
        assert.deepEqual(
            entries.map((e) => [e.id, e.managed, e.stack]),
            [[ci.id, true, project.stack]],
        );

        // A no-change preview sends no write to either tenant.
        sandbox.emulator.resetRequests();
        prod.emulator.resetRequests();
        await project.run(["preview", "--expect-no-changes"]);
        assert.equal(writes(sandbox) + writes(prod), 0);

        // A rename is one PATCH, at the explicit provider's tenant, same id.
        await project.run(["config", "set", "reportingTokenName", "prod-reporting-2"]);
        await project.run(["up", "--yes", "--skip-preview"]);
        const renamed = prod.emulator.counts();
        assert.deepEqual([renamed.patch, renamed.create, renamed.delete], [1, 0, 0]);
        assert.equal(writes(sandbox), 0);
        assert.deepEqual(
            prod.emulator.tokens().map((t) => [t.id, t.name]),
            [[reportingId, "prod-reporting-2"]],
        );

        // Bad input fails at preview, names the property, and sends no request to either tenant.
        sandbox.emulator.resetRequests();
        prod.emulator.resetRequests();
        await project.run(["config", "set", "expiresInDays", "0"]);
        const bad = await project.run(["preview"], { allowFailure: true });
        assert.notEqual(bad.status, 0);
        assert.match(bad.output, /rotation\.expiresInDays/);
        assert.equal(sandbox.emulator.requests.length + prod.emulator.requests.length, 0);
        await project.run(["config", "rm", "expiresInDays"]);

        // A new tenant URL for the explicit provider replaces its token: made at the new tenant
        // (here the sandbox, with its API client), deleted at the old one. The other token stays: in
        // the same up, the default provider moves from its iscpat: config to SAIL_* naming another URL
        // of the same tenant and identity, which changes it in place (its plugin connects that side
        // with the environment), and its token records the new URL.
        const alias = sandbox.emulator.baseUrl.replace("127.0.0.1", "localhost");
        Object.assign(project.env, { ...sandbox.env, SAIL_BASE_URL: alias });
        await project.run([
            "config",
            "rm-all",
            ...(["baseUrl", "clientId", "clientSecret"] as const).map((n) => configKey("native", n)),
        ]);
        await project.run(["config", "set", "prodBaseUrl", sandbox.emulator.baseUrl]);
        await project.run(["config", "set", "prodClientId", sandbox.clientId]);
        await project.run(["config", "set", "--secret", "prodClientSecret"], { input: sandbox.clientSecret });
        const moved = await project.run(["up", "--yes", "--skip-preview"]);
        const created = moved.output.indexOf("reportingToken created replacement");
        const deleted = moved.output.indexOf("reportingToken deleted original");
        assert.ok(
            created >= 0 && deleted > created,
            `made at the new tenant, then deleted at the old:\n${moved.output}`,
        );
        assert.equal(prod.emulator.tokens().length, 0, "the old tenant's token is deleted");
        assert.deepEqual(
            sandbox.emulator
                .tokens()
                .map((t) => t.name)
                .sort(),
            [ci.name, "prod-reporting-2"].sort(),
        );
        assert.ok(
            sandbox.emulator.tokens().some((t) => t.id === ci.id),
            "the default provider's token is kept",
        );
        const kept = (
            (await project.exportState()).deployment.resources as (StateResource & { id?: string })[]
        ).find((r) => r.type === "iscpat:index:PersonalAccessToken" && r.id === ci.id);
        assert.equal(kept?.outputs?.tenant, alias, "recorded at the environment's URL");

        // destroy leaves both tenants empty.
        await project.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(sandbox.emulator.tokens().length + prod.emulator.tokens().length, 0);
    });

    it("a state written by version 0.1.0 previews with no change; a refresh rewrites it lean, one list per tenant", async () => {
        // The tarball the first test built (the README's command), else built here.
        const install = /^pulumi plugin install resource iscpat (\S+) --file (\S+)$/.exec(yamlCommands()[0]);
        assert.ok(install, yamlCommands()[0]);
        const tarball = join(REPO, "dist", "plugins", install[2]);
        if (!existsSync(tarball)) {
            recordInvocation(["run", "plugin-tarballs"], "npm");
            execFileSync("npm", ["run", "plugin-tarballs", "--silent"], { cwd: REPO, stdio: "ignore" });
        }
        // The default provider takes the sandbox's SAIL_* (as 0.1.0's state recorded), prod its config.
        const old = new Project("yaml", sandbox.env);
        try {
            await old.run(["plugin", "install", "resource", "iscpat", install[1], "--file", tarball]);
            await old.init(
                { prodBaseUrl: prod.emulator.baseUrl, prodClientId: prod.clientId },
                { prodClientSecret: prod.clientSecret },
            );
            // The tokens that state records, at this run's tenants: a rotating one and a never-expiring one.
            const now = new Date();
            const expires = writtenDate(
                new Date(Math.floor(now.getTime() / 1000) * 1000 + 90 * DAY).toISOString(),
            );
            const { secret: ciSecret, ...ci } = sandbox.emulator.createToken(sandbox.identityId, {
                // A generation name as 0.1.0 wrote it: the creation time only, no random part.
                name: `ci-deploy-${now.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`,
                scope: ["sp:scopes:default"],
                expirationDate: expires,
            });
            const { secret: reportingSecret, ...reporting } = prod.emulator.createToken(prod.identityId, {
                name: "prod-reporting",
                expirationDate: null,
                userAwareTokenNeverExpires: true,
            });
            hygiene.secret(ciSecret);
            hygiene.secret(reportingSecret);
            const file = filledFixture(
                "state-0.1.0-plugin.json",
                {
                    stack: old.stack,
                    tenantA: sandbox.emulator.baseUrl,
                    tenantB: prod.emulator.baseUrl,
                    clientA: sandbox.clientId,
                    clientB: prod.clientId,
                    clientSecretB: prod.clientSecret,
                    ownerA: ci.owner.id,
                    ownerB: reporting.owner.id,
                    ciId: ci.id,
                    ciSecret,
                    ciTokenName: ci.name,
                    ciCreated: writtenDate(ci.created),
                    ciExpires: expires,
                    ciDueAt: rotationDueAt({ expiresInDays: 90, rotateBeforeDays: 14 }, expires) ?? "",
                    reportingId: reporting.id,
                    reportingSecret,
                    reportingCreated: writtenDate(reporting.created),
                },
                old,
            );
            await old.run(["stack", "import", "--file", file]);
            for (const token of tokensOf((await old.exportState()).deployment.resources)) {
                assert.deepEqual(
                    IMPLIED_OUTPUTS.filter((k) => k in token.outputs && k !== "apiVersion"),
                    IMPLIED_OUTPUTS.filter((k) => k !== "apiVersion"),
                    `${token.urn}: 0.1.0's state, every value spelled out`,
                );
            }

            sandbox.emulator.resetRequests();
            prod.emulator.resetRequests();
            await old.run(["preview", "--expect-no-changes"]);
            assert.equal(writes(sandbox) + writes(prod), 0);

            await old.run(["refresh", "--yes", "--skip-preview"]);
            for (const h of [sandbox, prod]) {
                const c = h.emulator.counts();
                assert.deepEqual([c.list, writes(h)], [1, 0], "one list per tenant, as 0.1.0 made");
            }
            const { text, deployment } = await old.exportState();
            for (const token of tokensOf(deployment.resources)) {
                const left = IMPLIED_OUTPUTS.filter((k) => k in token.outputs);
                const kept = token.urn.endsWith("::reportingToken")
                    ? ["apiVersion", "userAwareTokenNeverExpires"] // v2025, and true: not what absent means
                    : [];
                assert.deepEqual(left, kept, `${token.urn}: the refresh wrote the lean form`);
                assert.ok((token.outputs.secret as Record<string, unknown>)[SIG], "secret is a secret");
            }
            for (const secret of [ciSecret, reportingSecret, prod.clientSecret]) {
                assert.ok(!text.includes(secret), "no secret in the state in plain text");
            }
            tokenStateSizes(deployment.resources).forEach(assertStateSize);
            assert.deepEqual(
                apiVersionsByName(deployment.resources),
                { ciToken: undefined, reportingToken: "v2025" },
                "the refresh wrote lean inputs: ciToken's v1 left out",
            );

            sandbox.emulator.resetRequests();
            prod.emulator.resetRequests();
            await old.run(["preview", "--expect-no-changes"]);
            assert.equal(writes(sandbox) + writes(prod), 0);
            const outputs = old.outputs(true);
            assert.ok(sandbox.emulator.verifySecret(ci.id, outputs.ciClientSecret as string));
            assert.ok(prod.emulator.verifySecret(reporting.id, outputs.reportingClientSecret as string));

            await old.run(["destroy", "--yes", "--skip-preview"]);
            assert.equal(sandbox.emulator.tokens().length + prod.emulator.tokens().length, 0);
        } finally {
            old.cleanup();
        }
    });
});

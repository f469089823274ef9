// `pulumi import` under the real CLI with the plugin and Pulumi YAML: the CLI writes the program
// (--out), the test adds it to the project, and the next `pulumi up` keeps each token (same id, its
// users' secret still works, nothing made or deleted). First one token by id, then the file
// `isc-pat audit --emit-import` writes for the tokens no stack manages. One project for both; each
// pulumi command is a new plugin process.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pulumiCli, pulumiYamlCli, REPO } from "../../scripts/pulumi-project";
import { PLUGIN } from "../support/plugin";
import { createToken, inDays, startHarness, type Harness } from "../support/harness";
import { observe } from "../support/hygiene";
import { mints } from "../support/mint";
import { Project } from "../support/pulumi";

/** Requests that change something at the tenant. */
function writes(h: Harness): number {
    const c = h.emulator.counts();
    return c.create + c.patch + c.delete;
}

/** The state of the token resource `urn`. */
async function tokenOf(p: Project, urn: string): Promise<{ id: string; outputs: Record<string, unknown> }> {
    const { deployment } = await p.exportState();
    const found = deployment.resources.find((r) => r.urn === urn && r.delete !== true);
    assert.ok(found, `${urn} is in the state`);
    return found as { id: string; outputs: Record<string, unknown> };
}

describe("end to end: pulumi import, then pulumi up (the plugin, Pulumi YAML)", function () {
    this.timeout(900_000);
    let h: Harness;
    let dir: string;
    let project: Project | undefined;

    /** A token its users made and hold the secret of: no stack knows it. */
    async function unmanaged(name: string) {
        const made = await createToken(h.provider({ notify: () => undefined }), {
            name,
            expirationDate: inDays(60),
            scope: ["sp:scopes:default"],
        });
        return { id: made.id, secret: made.outs.secret };
    }

    /** Adds the resources the CLI wrote (`--out`) to the project's program. */
    function adopt(generated: string, first: boolean) {
        const text = readFileSync(join(dir, generated), "utf8");
        assert.match(text, /^resources:\n/, text);
        appendFileSync(join(dir, "Pulumi.yaml"), first ? text : text.replace(/^resources:\n/, ""));
    }

    before(async () => {
        // The CLI with the YAML language host beside it (built on first use), for every run below.
        pulumiYamlCli();
        h = await startHarness();
        dir = mkdtempSync(join(tmpdir(), "pat-import-yaml-"));
        writeFileSync(
            join(dir, "Pulumi.yaml"),
            [
                "name: pat-import",
                "runtime: yaml",
                "plugins:",
                "    providers:",
                "        - name: iscpat",
                `          path: ${dirname(PLUGIN)}`,
                "",
            ].join("\n"),
        );
        // The default provider takes the tenant from SAIL_*.
        project = new Project(dir, h.env);
        await project.init();
    });
    after(async () => {
        project?.cleanup();
        rmSync(dir, { recursive: true, force: true });
        await h?.emulator.stop();
    });

    it("pulumi import <type> <name> <id>, then pulumi up: the same token, its users' secret works, no replacement", async () => {
        const users = await unmanaged("imported-one");
        const p = project as Project;
        const imported = await p.run([
            "import",
            "iscpat:index:PersonalAccessToken",
            "importedOne",
            users.id,
            "--protect=false",
            "--yes",
            "--out",
            "imported-one.yaml",
        ]);
        assert.match(imported.output, /1 imported/, imported.output);
        assert.match(imported.output, /is imported as an adopted token/, imported.output);
        adopt("imported-one.yaml", true);
        h.emulator.resetRequests();
        const up = await p.run(["up", "--yes"]);
        assert.doesNotMatch(up.output, /replace|deleted|created/, up.output);
        assert.equal(writes(h), 0, "nothing made, changed or deleted");
        assert.deepEqual(
            h.emulator.tokens().map((t) => [t.id, t.name]),
            [[users.id, "imported-one"]],
        );
        assert.ok(await mints(h.emulator.baseUrl, users.id, users.secret), "its users' secret works");
        const { deployment } = await p.exportState();
        const token = deployment.resources.find((r) => r.type === "iscpat:index:PersonalAccessToken") as {
            outputs: Record<string, unknown>;
        };
        assert.equal(token.outputs.adoptTokenId, users.id, "recorded as adopted");
        assert.equal(token.outputs.secretKnown, false, "its secret is not known");
        await p.run(["preview", "--expect-no-changes"]);

        // up --replace: the engine reads an adopted token before each update (the plugin asks it to),
        // so the create that follows with no diff is known to replace that very token: a new one
        // under the name (the imported one moves aside first), then the engine deletes the imported one.
        const urn = (token as unknown as { urn: string }).urn;
        h.emulator.resetRequests();
        const replaced = await p.run(["up", "--replace", urn, "--yes"]);
        // The plugin's notice, through the engine's Log (the engine hides a plugin's stderr).
        assert.match(replaced.output, /replaced on request/, replaced.output);
        const renewed = await tokenOf(p, urn);
        assert.notEqual(renewed.id, users.id);
        assert.equal(
            renewed.outputs.secretKnown ?? true,
            true,
            "the new token's secret is in the state (absent: known)",
        );
        assert.deepEqual(
            h.emulator.tokens().map((t) => [t.id, t.name]),
            [[renewed.id, "imported-one"]],
        );
        assert.equal(
            await mints(h.emulator.baseUrl, users.id, users.secret),
            false,
            "the old one is revoked",
        );
        assert.deepEqual([h.emulator.counts().create, h.emulator.counts().delete], [1, 1]);
        await p.run(["preview", "--expect-no-changes"]);
    });

    it("isc-pat audit --emit-import, then pulumi import --file: the CLI writes the program; the next up keeps every token", async () => {
        const a = await unmanaged("audited-a");
        const b = await unmanaged("audited-b");
        const p = project as Project;
        const file = join(dir, "import.json");
        // The package's bin, with the Pulumi CLI on PATH for --stack (as npx isc-pat runs it).
        const audit = await new Promise<{ code: number; output: string }>((resolve) => {
            const child = spawn(
                process.execPath,
                [
                    join(REPO, "dist", "provider", "bin.js"),
                    "audit",
                    "--stack",
                    p.stack,
                    "--emit-import",
                    file,
                ],
                { cwd: dir, env: { ...p.env, PATH: `${dirname(pulumiCli())}:${p.env.PATH}` } },
            );
            let output = "";
            child.stdout.on("data", (d: Buffer) => (output += d.toString()));
            child.stderr.on("data", (d: Buffer) => (output += d.toString()));
            child.on("close", (code) => resolve({ code: code ?? -1, output }));
        });
        observe("isc-pat audit --emit-import", audit.output);
        assert.equal(audit.code, 0, audit.output);
        const written = JSON.parse(readFileSync(file, "utf8")) as { resources: Record<string, string>[] };
        assert.deepEqual(
            written.resources.map((r) => [r.type, r.name, r.id]).sort(),
            [
                ["iscpat:index:PersonalAccessToken", "audited-a", a.id],
                ["iscpat:index:PersonalAccessToken", "audited-b", b.id],
            ],
            "the unmanaged tokens only (imported-one is in the stack)",
        );
        const imported = await p.run([
            "import",
            "--file",
            file,
            "--protect=false",
            "--yes",
            "--out",
            "audited.yaml",
        ]);
        assert.match(imported.output, /2 imported/, imported.output);
        adopt("audited.yaml", false);
        h.emulator.resetRequests();
        await p.run(["up", "--yes"]);
        assert.equal(writes(h), 0, "nothing made, changed or deleted");
        for (const users of [a, b]) assert.ok(await mints(h.emulator.baseUrl, users.id, users.secret));
        assert.equal(h.emulator.tokens().length, 3);
        await p.run(["preview", "--expect-no-changes"]);
    });

    it('tokens the stack made: up --replace of "fail" stops, with --refresh it replaces; of "adopt" it replaces, and after an older state adopted its own, the next one does', async () => {
        const p = project as Project;
        // The resources the CLI wrote use two-space indentation under `resources:`.
        const declare = (name: string, extra: string[]) => [
            `  ${name}:`,
            "    type: iscpat:index:PersonalAccessToken",
            "    properties:",
            `      name: ${name}-here`,
            `      expirationDate: "${inDays(60)}"`,
            ...extra.map((line) => `      ${line}`),
        ];
        const program = [...declare("made", ["onNameConflict: adopt"]), ...declare("plain", []), ""];
        appendFileSync(join(dir, "Pulumi.yaml"), program.join("\n"));
        await p.run(["up", "--yes"]);
        const urnOf = async (name: string) =>
            (await p.exportState()).deployment.resources.find((r) => String(r.urn).endsWith(`::${name}`))
                ?.urn as string;
        const [made, plain] = [await urnOf("made"), await urnOf("plain")];
        /** The replacement's end: a new token with its secret in the state, the old one deleted. */
        const replacedAnew = async (urn: string, name: string, oldId: string) => {
            const now = await tokenOf(p, urn);
            assert.notEqual(now.id, oldId, "a new token, not its own adopted again");
            assert.equal(now.outputs.secretKnown ?? true, true, "its secret is in the state (absent: known)");
            assert.equal(now.outputs.adoptTokenId, undefined);
            assert.deepEqual(
                h.emulator
                    .tokens()
                    .filter((t) => t.name.startsWith(name))
                    .map((t) => [t.id, t.name]),
                [[now.id, name]],
                "the old token is deleted",
            );
            assert.deepEqual([h.emulator.counts().create, h.emulator.counts().delete], [1, 1]);
            return now;
        };

        // The default onNameConflict "fail": the engine did not read the token, so the create meets
        // its name and stops, changing nothing; with --refresh the engine reads it first.
        const plainBefore = await tokenOf(p, plain);
        const count = h.emulator.tokens().length;
        h.emulator.resetRequests();
        const stopped = await p.run(["up", "--replace", plain, "--yes"], { allowFailure: true });
        assert.notEqual(stopped.status, 0);
        assert.match(stopped.output, /The owner already has a token named "plain-here"/, stopped.output);
        assert.match(stopped.output, /run it again with --refresh/, stopped.output);
        // (The refused POST is the one request that tried to make something.)
        assert.equal(h.emulator.counts().patch + h.emulator.counts().delete, 0, "nothing changed or deleted");
        assert.equal(h.emulator.tokens().length, count, "nothing made");
        h.emulator.resetRequests();
        await p.run(["up", "--replace", plain, "--refresh", "--yes"]);
        await replacedAnew(plain, "plain-here", plainBefore.id);

        // onNameConflict "adopt": the engine reads the token before each update, as the plugin asks.
        const madeBefore = await tokenOf(p, made);
        h.emulator.resetRequests();
        await p.run(["up", "--replace", made, "--yes"]);
        const renewed = await replacedAnew(made, "made-here", madeBefore.id);

        // A state an older version wrote (no refreshBeforeUpdate): the replacement adopts its own
        // token and says so; the engine reads it from then on, and the next --replace ends it.
        const { text } = await p.exportState();
        const older = JSON.parse(text) as { deployment: { resources: Record<string, unknown>[] } };
        for (const r of older.deployment.resources) delete r.refreshBeforeUpdate;
        writeFileSync(join(dir, "older.json"), JSON.stringify(older));
        await p.run(["stack", "import", "--file", "older.json"]);
        const kept = await p.run(["up", "--replace", made, "--yes"]);
        assert.match(kept.output, new RegExp(`adopted the same token ${renewed.id}`), kept.output);
        assert.equal((await tokenOf(p, made)).id, renewed.id);
        h.emulator.resetRequests();
        await p.run(["up", "--replace", made, "--yes"]);
        await replacedAnew(made, "made-here", renewed.id);
        // Its preview reads it (one list), as the plugin asked the engine to.
        h.emulator.resetRequests();
        await p.run(["preview", "--expect-no-changes"]);
        assert.ok(
            h.emulator.requests.some((r) => r.operation === "list"),
            "the preview read the token",
        );
    });
});

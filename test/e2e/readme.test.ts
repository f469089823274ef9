// The README's commands do not drift: every command in its shell blocks runs here, in order, as a user
// runs it in a new project (the package name stands for the packed tarball, the tenant's URL and
// client id for the emulator's), and the program it shows is the program that runs. Every command the
// README quotes inline, each command it shows for a clone of this repository, and each sequence it
// advises must be one that an end-to-end test runs (test/support/readme-tie.ts names which; the
// invocations are checked in mocha's main process once every worker is done).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    acceptedTypeScript,
    lockedPulumiVersion,
    packedPackage,
    pulumiCli,
    REPO,
} from "../../scripts/pulumi-project";
import { runIscPat } from "../support/bin";
import { useHarness } from "../support/harness";
import { Project } from "../support/pulumi";
import { blocks, IN_A_CLONE, IN_A_YAML_PROJECT, readme, shellCommands } from "../support/readme";
import { INLINE, inlineCommands, untied } from "../support/readme-tie";

/** Each shell command of the README's bash blocks for a user's (TypeScript) project, in order. */
const commands = blocks("bash")
    .filter((b) => !b.startsWith(IN_A_CLONE) && !b.startsWith(IN_A_YAML_PROJECT))
    .flatMap(shellCommands);

/** Each command of the blocks for a clone (`a && b` is two). */
const cloneCommands = blocks("bash")
    .filter((b) => b.startsWith(IN_A_CLONE))
    .flatMap(shellCommands)
    .flatMap((l) => l.split("&&").map((c) => c.trim()));

describe("the README's commands", function () {
    this.timeout(900_000);
    const ctx = useHarness();
    let dir = "";
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    it("every inline command and advised sequence is tied to the test that runs it, every tie to the README", () => {
        const inline = inlineCommands(readme);
        assert.ok(cloneCommands.includes("npm run demo"), "the README shows the demo, in a clone");
        assert.deepEqual(untied(readme, cloneCommands), []);
        inline.push(...cloneCommands);
        for (const command of inline) {
            if (commands.includes(command)) continue; // run by the test below
            const tie = INLINE[command];
            assert.ok(tie, `the README quotes \`${command}\`: name the test that runs it in INLINE`);
            if (tie.file.startsWith("test/e2e/")) continue; // checked on its invocations, after the run
            const lines = readFileSync(join(REPO, tie.file), "utf8").split("\n");
            assert.ok(lines.includes(command), `${tie.file} runs \`${command}\` as a line of its own`);
        }
        // The clone's commands that a script runs, in the README's order there too.
        const ci = readFileSync(join(REPO, ".ci", "run"), "utf8").split("\n");
        // Each at its first showing (`npm ci` also starts the plugin tarballs' block).
        const inCi = [...new Set(cloneCommands.filter((c) => INLINE[c]?.file === ".ci/run"))];
        assert.deepEqual(
            inCi.map((c) => ci.indexOf(c)),
            inCi.map((c) => ci.indexOf(c)).sort((x, y) => x - y),
            `.ci/run runs ${inCi.join(", ")} in the README's order`,
        );
    });

    it("shows the Pulumi YAML program of examples/yaml as it is, with the commands that example's README shows", () => {
        const program = readFileSync(join(REPO, "examples", "yaml", "Pulumi.yaml"), "utf8");
        assert.ok(blocks("yaml").includes(program), "the README's YAML program is examples/yaml/Pulumi.yaml");
        const example = readFileSync(join(REPO, "examples", "yaml", "README.md"), "utf8");
        const shown = blocks("bash").filter((b) => b.startsWith(IN_A_YAML_PROJECT));
        assert.equal(shown.length, 1);
        assert.ok(
            example.includes("```bash\n" + shown[0] + "```"),
            "examples/yaml/README.md shows the same commands",
        );
    });

    it("shows the code of examples/emulator-test as it is", () => {
        const test = readFileSync(join(REPO, "examples", "emulator-test", "test.mjs"), "utf8");
        const shown = blocks("js");
        assert.ok(shown.length > 0, "the README shows the example's test");
        for (const block of shown)
            assert.ok(test.includes(block), `not in examples/emulator-test/test.mjs:\n${block}`);
    });

    it("runs every shell command of the README, in order, against the emulator", async () => {
        const { h } = ctx;
        const program = blocks("ts").find((b) => b.includes("export const clientSecret"));
        assert.ok(program, "the README shows a complete program");
        // An empty directory: the README's own commands write the project's files, the program in index.ts.
        dir = mkdtempSync(join(tmpdir(), "pat-readme-"));
        writeFileSync(join(dir, "index.ts"), program);
        let project: Project | undefined;
        const seen: string[] = [];
        for (const command of commands) {
            seen.push(command);
            if (command.startsWith("cat > ")) {
                execFileSync("bash", ["-c", command], { cwd: dir });
                continue;
            }
            const [tool, ...args] = command.split(" ");
            if (tool === "npm") {
                // npm install <this package> @pulumi/pulumi: the tarball, and the version the project locks.
                const mapped = args.map((a) =>
                    a === "@isc-pat/pulumi-sailpoint-pat"
                        ? packedPackage()
                        : a === "@pulumi/pulumi"
                          ? `@pulumi/pulumi@${lockedPulumiVersion()}`
                          : a,
                );
                execFileSync(
                    "npm",
                    [...mapped, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
                    {
                        cwd: dir,
                        stdio: ["ignore", "ignore", "inherit"],
                    },
                );
                assert.ok(
                    existsSync(join(dir, "node_modules", "@isc-pat", "pulumi-sailpoint-pat", "policy")),
                );
                if (args.some((a) => a.startsWith("typescript@"))) {
                    // The newest TypeScript major that @pulumi/pulumi accepts (its peer range ends below it).
                    const below = Number(/<\s*(\d+)/.exec(acceptedTypeScript())?.[1]);
                    const ts = JSON.parse(
                        readFileSync(join(dir, "node_modules", "typescript", "package.json"), "utf8"),
                    );
                    assert.equal(Number(ts.version.split(".")[0]), below - 1, `TypeScript ${ts.version}`);
                }
                continue;
            }
            // The stack the README makes (dev) is this test's own, on its own backend.
            project ??= new Project(dir);
            if (command.startsWith("pulumi stack init ")) {
                await project.init();
                continue;
            }
            if (tool === "pulumi") {
                const mapped = args.map((a) =>
                    a === "https://acme.api.identitynow.com"
                        ? h.emulator.baseUrl
                        : a === "2c9180835d2e5168015d32f890ca1581"
                          ? h.clientId
                          : a,
                );
                if (mapped.includes("--show-secrets")) {
                    // It prints the secret, as asked: not recorded for the hygiene check, but checked to
                    // be the token's (it works as an OAuth client at the emulator).
                    const shown = spawnSync(pulumiCli(), [...mapped, "--non-interactive"], {
                        cwd: dir,
                        env: project.env,
                        encoding: "utf8",
                    });
                    assert.equal(shown.status, 0, shown.stderr);
                    const { clientId } = project.outputs() as { clientId: string };
                    assert.ok(
                        h.emulator.verifySecret(clientId, shown.stdout.trim()),
                        "the printed secret is the token's",
                    );
                    continue;
                }
                const input = mapped.includes("--secret") ? h.clientSecret : undefined;
                const run = await project.run(mapped, { input });
                if (mapped.includes("--policy-pack")) {
                    // The README's program is the one the shipped pack recommends: no finding, with or
                    // without the README's config.
                    assert.match(run.output, /sailpoint-pat-hygiene/, "the pack ran");
                    assert.doesNotMatch(run.output, /\[(mandatory|advisory)\]/, `${command}:\n${run.output}`);
                }
                continue;
            }
            assert.equal(tool, "npx", `unexpected command in the README: ${command}`);
            assert.equal(args[0], "isc-pat");
            const mapped = args.slice(1).map((a) => (a === "dev" ? project!.stack : a));
            const state = mapped.indexOf("--state");
            if (state >= 0) writeFileSync(join(dir, mapped[state + 1]), (await project.exportState()).text);
            // Without --stack the settings come from the SAIL_* environment, as the README says.
            const env = mapped.includes("--stack") ? {} : h.env;
            const result = await runIscPat(project, mapped, env);
            assert.equal(result.status, 0, `${command}:\n${result.stdout}${result.stderr}`);
            const emit = mapped.indexOf("--emit-program");
            if (emit >= 0) assert.ok(existsSync(join(dir, mapped[emit + 1])), "the program is written");
        }
        assert.ok(
            seen.some((c) => c.startsWith("npx isc-pat")),
            "the README's audit commands ran",
        );
        // No destroy: the emulator stops after the test, and cleanup() removes the backend.
        project?.cleanup();
    });
});

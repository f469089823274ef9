// The README's commands do not drift: every command in its shell blocks runs here, in order, as a user
// runs it in a new project (the package name stands for the packed tarball, the tenant's URL and
// client id for the emulator's), and the program it shows is the program that runs. Every command the
// README quotes inline, and each command it shows for a clone of this repository, must be one that an
// end-to-end test runs (the table below names which).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockedPulumiVersion, packedPackage, pulumiCli, REPO } from "../../scripts/pulumi-project";
import { runIscPat } from "../support/bin";
import { useHarness } from "../support/harness";
import { Project } from "../support/pulumi";

const readme = readFileSync(join(REPO, "README.md"), "utf8");

/** The fenced blocks of a language, in order. */
function blocks(language: string): string[] {
    return [...readme.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

/** The commands of shell blocks, in order. */
const lines = (bash: string[]): string[] =>
    bash.flatMap((b) =>
        b
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "" && !l.startsWith("#")),
    );
/** A block that starts so runs in a clone of this repository, not in a user's project. */
const IN_A_CLONE = "# in a clone of this repository\n";
/** Each shell command of the README's bash blocks for a user's project, in order. */
const commands = lines(blocks("bash").filter((b) => !b.startsWith(IN_A_CLONE)));
/** Each command of the blocks for a clone (`a && b` is two). */
const cloneCommands = lines(blocks("bash").filter((b) => b.startsWith(IN_A_CLONE))).flatMap((l) =>
    l.split("&&").map((c) => c.trim()),
);

/**
 * Inline commands (`pulumi …`, `npx …`, `npm …`) and the file that runs each: an end-to-end test, or
 * for the test command, CI's own script (they must stay identical).
 */
const INLINE: Record<string, string> = {
    "pulumi preview": "test/e2e/lifecycle.test.ts",
    "pulumi up": "test/e2e/lifecycle.test.ts",
    "pulumi refresh": "test/e2e/lifecycle.test.ts",
    "pulumi destroy": "test/e2e/lifecycle.test.ts",
    "pulumi up --yes": "test/e2e/adopt.test.ts",
    "pulumi cancel --yes": "test/e2e/adopt.test.ts",
    "pulumi destroy --run-program": "test/e2e/secrets.test.ts",
    "pulumi preview --refresh --expect-no-changes": "test/e2e/gitops.test.ts",
    "pulumi preview --debug": "test/e2e/verbose-logging.test.ts",
    "npm test": ".ci/run",
    "npm ci": ".ci/run",
    "npm run demo": "test/e2e/demo.test.ts",
    "npx isc-pat emulator": "test/e2e/emulator-bin.test.ts",
    "npx isc-pat emulator --help": "test/e2e/emulator-bin.test.ts",
};

describe("the README's commands", function () {
    this.timeout(900_000);
    const ctx = useHarness();
    let dir = "";
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    it("every inline command is run by an end-to-end test", () => {
        const inline = [...readme.matchAll(/`((?:pulumi|npx|npm) [^`]*)`/g)].map((m) => m[1]);
        assert.ok(cloneCommands.includes("npm run demo"), "the README shows the demo, in a clone");
        inline.push(...cloneCommands);
        for (const command of inline) {
            if (commands.includes(command)) continue; // run by the test below
            const file = INLINE[command];
            assert.ok(file, `the README quotes \`${command}\`: name the test that runs it in INLINE`);
            const source = readFileSync(join(REPO, file), "utf8");
            // The subcommand and each flag, as that test passes them to the CLI.
            for (const arg of command.split(" ").slice(1))
                assert.ok(source.includes(arg), `${file} runs ${command} (no ${arg} in it)`);
        }
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
        dir = mkdtempSync(join(tmpdir(), "pat-readme-"));
        writeFileSync(join(dir, "Pulumi.yaml"), "name: readme\nruntime: nodejs\n");
        writeFileSync(
            join(dir, "package.json"),
            JSON.stringify({ name: "readme", private: true, main: "index.ts" }),
        );
        writeFileSync(join(dir, "index.ts"), program);
        let project: Project | undefined;
        const seen: string[] = [];
        for (const command of commands) {
            seen.push(command);
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
                continue;
            }
            if (!project) {
                // A user's `pulumi stack init` (or `pulumi new`) comes before the README's commands.
                project = new Project(dir);
                await project.init();
            }
            if (tool === "pulumi") {
                const mapped = args.map((a) =>
                    a === "https://acme.api.identitynow.com"
                        ? h.emulator.baseUrl
                        : a === "2c9180835d2e5168015d32f890ca1581"
                          ? h.clientId
                          : a,
                );
                if (mapped.includes("--policy-pack-config")) {
                    // The README shows the config file's content inline.
                    const json = /`(\{ "sailpoint-pat-[^`]*\})`/.exec(readme)?.[1];
                    assert.ok(json, "the README shows a policy-pack config");
                    writeFileSync(join(dir, "policy-config.json"), json);
                }
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
                await project.run(mapped, { input });
                continue;
            }
            assert.equal(tool, "npx", `unexpected command in the README: ${command}`);
            assert.equal(args[0], "isc-pat");
            const mapped = args.slice(1).map((a) => (a === "prod" ? project!.stack : a));
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
        await project?.run(["destroy", "--yes"]);
        project?.cleanup();
    });
});

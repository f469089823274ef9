// Every GitHub Actions workflow of the repository, the GitOps example's included, checked by actionlint
// (built from Go modules by scripts/actionlint.sh, then cached); the CI workflow runs the README's two
// commands, as .ci/run does.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../scripts/pulumi-project";

const WORKFLOWS = [
    ...readdirSync(join(REPO, ".github", "workflows")).map((f) => join(".github", "workflows", f)),
    join("examples", "gitops", ".github", "workflows", "tokens.yml"),
];

/** actionlint on `files`; shellcheck and pyflakes off, whether or not the machine has them. */
function actionlint(files: string[]): { status: number | null; output: string } {
    const bin = execFileSync("bash", [join(REPO, "scripts", "actionlint.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    const run = spawnSync(bin, ["-no-color", "-shellcheck=", "-pyflakes=", ...files], {
        cwd: REPO,
        encoding: "utf8",
    });
    return { status: run.status, output: run.stdout + run.stderr };
}

describe("the GitHub Actions workflows", function () {
    this.timeout(600_000); // the first build of actionlint, with Go's caches empty

    it("pass actionlint: CI, release and the GitOps example's", () => {
        assert.deepEqual(WORKFLOWS.filter((f) => f.startsWith(".github")).sort(), [
            ".github/workflows/ci.yml",
            ".github/workflows/release.yml",
        ]);
        const { status, output } = actionlint(WORKFLOWS);
        assert.equal(status, 0, output);
    });

    it("actionlint fails a broken workflow, naming the file and the fault", () => {
        const dir = mkdtempSync(join(tmpdir(), "pat-workflow-"));
        try {
            const broken = join(dir, "broken.yml");
            const ci = readFileSync(join(REPO, ".github", "workflows", "ci.yml"), "utf8");
            writeFileSync(
                broken,
                ci.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n        needs: nowhere"),
            );
            const { status, output } = actionlint([broken]);
            assert.equal(status, 1, output);
            assert.match(output, /broken\.yml:\d+:\d+: .*nowhere/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("CI sets up Node.js and Go, then runs the README's two commands, as .ci/run does", () => {
        const ci = readFileSync(join(REPO, ".github", "workflows", "ci.yml"), "utf8");
        for (const action of ["actions/setup-node@", "actions/setup-go@"])
            assert.ok(ci.includes(action), action);
        const runs = [...ci.matchAll(/^\s+- run: (.+)$/gm)].map((m) => m[1]);
        assert.deepEqual(runs, ["npm ci", "npm test"]);
        const script = readFileSync(join(REPO, ".ci", "run"), "utf8").split("\n");
        assert.deepEqual(
            script.filter((line) => /^npm /.test(line)),
            runs,
        );
        const readme = readFileSync(join(REPO, "README.md"), "utf8");
        for (const command of runs)
            assert.match(readme, new RegExp(`^${command}$|&& ${command}|^${command} &&`, "m"));
    });
});

// The suite-wide checks see every worker: a nested mocha run with the project's own .mocharc.json
// settings (two workers, the suite-hooks plugin), on two fixture files that wait for each other so that
// each runs in its own worker. A secret one worker knows and the other prints, a child process's
// emulator secret printed in another worker, and a worker that writes no record each fail the run; a
// clean run passes, having heard from both workers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../scripts/pulumi-project";
import { observe } from "./support/hygiene";

/** The project's mocha settings as command-line flags, without its spec. */
function projectSettings(): string[] {
    const config = JSON.parse(readFileSync(join(REPO, ".mocharc.json"), "utf8")) as Record<string, unknown>;
    return Object.entries(config).flatMap(([key, value]) => {
        if (key === "spec") return [];
        if (value === true) return [`--${key}`];
        return (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${key}`, String(v)]);
    });
}

function nestedRun(scenario: string): { status: number | null; output: string } {
    const dir = mkdtempSync(join(tmpdir(), "pat-suite-fixture-"));
    try {
        const fixtures = ["knows", "prints"].map((f) =>
            join(REPO, "dist", "test", "suite-fixtures", `${f}.fixture.js`),
        );
        const run = spawnSync(
            process.execPath,
            [
                join(REPO, "node_modules", "mocha", "bin", "mocha.js"),
                "--no-config",
                ...projectSettings(),
                ...fixtures,
            ],
            {
                cwd: REPO,
                env: { ...process.env, SUITE_FIXTURE_SCENARIO: scenario, SUITE_FIXTURE_DIR: dir },
                encoding: "utf8",
                timeout: 60_000,
            },
        );
        const output = `${run.stdout}${run.stderr}`;
        observe(`nested mocha run (${scenario})`, output);
        return { status: run.status, output };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("the suite-wide checks, under the project's parallel settings", function () {
    this.timeout(120_000);

    it("runs in two workers, and passes a clean run having heard from both", () => {
        assert.ok(projectSettings().includes("--parallel"), "the project runs its files in parallel");
        const { status, output } = nestedRun("clean");
        assert.equal(status, 0, output);
        assert.match(
            output,
            /suite-wide checks: 2 of 2 test files reported by 2 workers; [1-9]\d* secrets, [1-9]/,
        );
    });

    it("fails a secret that one worker knows and the other prints", () => {
        const { status, output } = nestedRun("leak");
        assert.notEqual(status, 0, output);
        assert.match(output, /secret hygiene: fixture: a process's output: holds a secret \(…0b2d\)/);
    });

    it("fails a secret an emulator in a child process issued, printed in the other worker", () => {
        const { status, output } = nestedRun("child-leak");
        assert.notEqual(status, 0, output);
        assert.match(output, /secret hygiene: fixture: a process's output: holds a secret \(…c0de\)/);
        assert.doesNotMatch(output, /…0b2d/);
    });

    it("fails a run in which a worker wrote no record", () => {
        const { status, output } = nestedRun("silent");
        assert.notEqual(status, 0, output);
        assert.match(
            output,
            /saw nothing from the worker that ran test\/suite-fixtures\/prints\.fixture\.ts/,
        );
    });
});

// The offline suite with the clock moved ahead: no test, example or default may hold a date that
// will pass. It reruns every test that needs no Pulumi CLI (unit, emulator, integration,
// reliability, schema, hygiene) one year and three years ahead, with test/support/clock-shift-preload.ts
// preloaded into every Node process of the run (NODE_OPTIONS): no system package is needed.
//
// The end-to-end suite is not rerun: the Pulumi CLI is a Go binary, whose clock a Node preload does not
// move, so only its Node processes (language host, provider, emulator) would: a split clock that no real
// run has. Its dates derive from the test's `Date.now()` instead, as this file checks for every test file.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { shiftedEnv } from "./support/clock-shift";
import { SCALE_VARIABLE } from "./support/scale";
import { DAY } from "./support/time";

const root = join(__dirname, "..", "..");
/** Every test that runs without the Pulumi CLI, relative to the repository. */
const OFFLINE = [
    "dist/test/unit",
    "dist/test/emulator",
    "dist/test/integration",
    "dist/test/reliability",
    "dist/test/schema.test.js",
    "dist/test/hygiene.test.js",
    "dist/test/clock.test.js",
];

/** The shifts of the reruns, in days. */
const AHEAD = [365, 1095];

interface Rerun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/**
 * Runs `args` in a Node process `shiftMs` ahead, its long tests at reduced scale (test/support/scale.ts),
 * without blocking this one; killed after `timeoutMs`.
 */
function rerun(shiftMs: number, args: string[], timeoutMs: number, children: ChildProcess[]): Promise<Rerun> {
    const child = spawn(process.execPath, args, {
        cwd: root,
        env: { ...shiftedEnv(shiftMs), [SCALE_VARIABLE]: "reduced" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    return new Promise((resolve) =>
        child.on("close", (status, signal) => {
            clearTimeout(timer);
            resolve({
                status,
                stdout,
                stderr: signal ? `${stderr}\nkilled (${signal}) after ${timeoutMs} ms` : stderr,
            });
        }),
    );
}

function shifted(shiftMs: number, args: string[], timeoutMs: number) {
    return spawnSync(process.execPath, args, {
        cwd: root,
        encoding: "utf8",
        timeout: timeoutMs,
        env: shiftedEnv(shiftMs),
    });
}

/** How far ahead of this process's clock a Node process started with `shiftMs`, and its child, run. */
function probe(shiftMs: number): { child: number; grandchild: number } {
    const script = `
        const { execFileSync } = require("node:child_process");
        const grandchild = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(Date.now()))"], { encoding: "utf8" }));
        process.stdout.write(JSON.stringify({ child: Date.now(), grandchild }));`;
    const before = Date.now();
    const run = shifted(shiftMs, ["-e", script], 30_000);
    assert.equal(run.status, 0, run.stderr);
    const seen = JSON.parse(run.stdout) as { child: number; grandchild: number };
    return { child: seen.child - before, grandchild: seen.grandchild - before };
}

describe("the offline suite with the clock moved ahead", function () {
    this.timeout(900_000);

    it("the preload moves the wall clock of a child process and of its children, and only by the shift", () => {
        const ahead = probe(1095 * DAY);
        for (const moved of [ahead.child, ahead.grandchild])
            assert.ok(Math.abs(moved - 1095 * DAY) < 60_000, `the shifted clock is ${moved} ms ahead`);
        const none = probe(0);
        for (const moved of [none.child, none.grandchild])
            assert.ok(Math.abs(moved) < 60_000, `an unshifted child's clock is ${moved} ms off`);
    });

    it("the preload moves every reading of the wall clock and nothing else", () => {
        const script = `
            const { performance } = require("node:perf_hooks");
            class Stamp extends Date {}
            process.stdout.write(JSON.stringify({
                now: Date.now(),
                constructed: new Date().getTime(),
                called: Date.parse(Date()),
                subclass: new Stamp().getTime(),
                subclassKept: new Stamp() instanceof Stamp && new Stamp() instanceof Date,
                origin: performance.timeOrigin + performance.now(),
                fixed: new Date(0).getTime() + new Date("2020-01-01T00:00:00Z").getTime() - Date.UTC(2020, 0, 1),
                isDate: require("node:util").types.isDate(new Date()) && new Date().constructor === Date,
            }));`;
        const before = Date.now();
        const run = shifted(365 * DAY, ["-e", script], 30_000);
        assert.equal(run.status, 0, run.stderr);
        const seen = JSON.parse(run.stdout) as Record<string, number | boolean>;
        for (const key of ["now", "constructed", "called", "subclass", "origin"]) {
            const moved = (seen[key] as number) - before;
            assert.ok(Math.abs(moved - 365 * DAY) < 60_000, `${key} is ${moved} ms ahead`);
        }
        assert.equal(seen.fixed, 0, "a Date of a given time does not move");
        assert.equal(seen.subclassKept, true);
        assert.equal(seen.isDate, true);
    });

    // The two reruns run at once, each a mocha process with two workers (started before the tests,
    // awaited by each): much of the offline suite waits (timers, child processes, pacing windows), so
    // two serial reruns kept about one core busy; four workers keep both, at the same CPU, while the
    // other worker runs the files that mostly wait (.mocharc.json; measured: docs/testing.md).
    const reruns = new Map<number, Promise<Rerun>>();
    const children: ChildProcess[] = [];
    before(() => {
        const mocha = join(root, "node_modules", "mocha", "bin", "mocha.js");
        const args = [
            mocha,
            "--no-config",
            "--recursive",
            "--timeout",
            "20000",
            "--exit",
            "--parallel",
            "--jobs",
            "2",
            "--reporter",
            "dot",
        ];
        for (const days of AHEAD)
            reruns.set(days, rerun(days * DAY, [...args, ...OFFLINE], 900_000, children));
    });
    after(() => {
        for (const child of children)
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });

    for (const days of AHEAD) {
        it(`passes ${days} days ahead`, async () => {
            // Without a moved clock the rerun proves nothing: its processes must run the shift ahead.
            const moved = probe(days * DAY).child;
            assert.ok(Math.abs(moved - days * DAY) < 60_000, `the shifted clock is ${moved} ms ahead`);

            const run = await reruns.get(days)!;
            const tail = `${run.stdout}\n${run.stderr}`.slice(-4000);
            assert.equal(run.status, 0, `the offline suite fails ${days} days ahead:\n${tail}`);
            assert.match(run.stdout, /\d+ passing/);
            assert.doesNotMatch(run.stdout, /failing|pending/);
        });
    }

    it("no end-to-end test or example holds a literal date that will pass", () => {
        // Literal dates are fine where a test passes its own `now` (unit tests, emulator units); the
        // end-to-end tests and the examples run on the real clock, so theirs must derive from it.
        const files = [
            // Its fixtures too (test/e2e/fixtures/: states captured from a real run).
            ...readdirSync(join(root, "test", "e2e"), { recursive: true, withFileTypes: true })
                .filter((entry) => entry.isFile())
                .map((entry) => join(relative(root, entry.parentPath), entry.name)),
            // A program is index.ts, or (examples/yaml) Pulumi.yaml.
            ...readdirSync(join(root, "examples")).flatMap((d) =>
                ["index.ts", "Pulumi.yaml"]
                    .map((f) => join("examples", d, f))
                    .filter((f) => existsSync(join(root, f))),
            ),
        ];
        for (const file of files) {
            const text = readFileSync(join(root, file), "utf8");
            // A date still ahead will pass; one already past (a captured state's record times) stays past.
            const future = [...text.matchAll(/\b(\d{4}-\d{2}-\d{2})T/g)].filter(
                (m) => Date.parse(`${m[1]}T00:00:00Z`) > Date.now(),
            );
            assert.deepEqual(
                future.map((m) => m[0]),
                [],
                `${file}: derive dates from Date.now()`,
            );
        }
    });

    it("provider/ reads the wall clock in one place, and no decision defaults `now`", () => {
        const dir = join(root, "provider");
        for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
            f.endsWith(".ts"),
        )) {
            const text = readFileSync(join(dir, file), "utf8");
            if (file !== join("rules", "clock.ts"))
                assert.doesNotMatch(text, /new Date\(\)/, `provider/${file} reads the clock`);
            assert.doesNotMatch(text, /now\??: Date = /, `provider/${file} defaults a decision's now`);
        }
    });
});

// The offline suite with the clock moved ahead: no test, example or default may hold a date that
// will pass. It reruns every test that needs no Pulumi CLI (unit, emulator, integration,
// reliability, schema, hygiene) under libfaketime, one year and three years ahead.
//
// The end-to-end suite is not rerun: the Pulumi CLI is a Go binary, which reads the clock through
// the vDSO rather than libc, so libfaketime would move the clocks of the Node processes (language
// host, provider, emulator) and not the engine's: a split clock that no real run has. Its dates
// derive from the test's `Date.now()` instead, as this file checks for every test file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..");
const DAY = 86_400_000;
/** Every test that runs without the Pulumi CLI, relative to the repository. */
const OFFLINE = [
    "dist/test/unit",
    "dist/test/emulator",
    "dist/test/integration",
    "dist/test/reliability",
    "dist/test/schema.test.js",
    "dist/test/hygiene.test.js",
];

function faketime(offset: string, args: string[], timeoutMs: number) {
    return spawnSync("faketime", ["-f", offset, process.execPath, ...args], {
        cwd: root,
        encoding: "utf8",
        timeout: timeoutMs,
        // Timers and back-off measure elapsed time on the monotonic clock: leave it alone.
        env: { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: "1" },
    });
}

describe("the offline suite with the clock moved ahead (faketime)", function () {
    this.timeout(900_000);

    for (const [offset, days] of [
        ["+365d", 365],
        ["+1095d", 1095],
    ] as const) {
        it(`passes ${days} days ahead`, () => {
            const probe = faketime(offset, ["-e", "process.stdout.write(String(Date.now()))"], 30_000);
            assert.equal(
                probe.error,
                undefined,
                "faketime is needed (Debian: apt-get install faketime; .ci/run installs it)",
            );
            const moved = Number(probe.stdout) - Date.now();
            assert.ok(Math.abs(moved - days * DAY) < 60_000, `the clock under faketime is ${moved} ms ahead`);

            const mocha = join(root, "node_modules", "mocha", "bin", "mocha.js");
            const run = faketime(
                offset,
                [
                    mocha,
                    "--no-config",
                    "--recursive",
                    "--timeout",
                    "20000",
                    "--exit",
                    "--reporter",
                    "dot",
                    ...OFFLINE,
                ],
                600_000,
            );
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
            ...readdirSync(join(root, "test", "e2e")).map((f) => join("test", "e2e", f)),
            ...readdirSync(join(root, "examples")).map((d) => join("examples", d, "index.ts")),
        ];
        for (const file of files) {
            const text = readFileSync(join(root, file), "utf8");
            const future = [...text.matchAll(/\b(\d{4})-\d{2}-\d{2}T/g)].filter(
                (m) => Number(m[1]) >= new Date().getUTCFullYear(),
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

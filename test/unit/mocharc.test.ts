// .mocharc.json names the longest test files first: mocha's parallel mode hands files to its workers in
// the order it collects them, so a long file started last would leave one worker running alone. They
// are named as "./dist/…" before the glob that finds every file, and `ignore` names them as "dist/…",
// which the glob's copies match and the "./" entries do not: each file once, the long ones first, a new
// file found by the glob. The files that mostly wait (on pacing windows, timers, killed processes) leave
// a core idle beside a single end-to-end file, and more beside each other or at the end. The two longest
// come right after the clock-ahead file: one worker runs them while the other holds that file, whose
// reruns (four mocha workers) keep the cores busy about as long. The others are named among the
// end-to-end files, never next to each other nor last. This checks the files mocha itself collects from
// that configuration.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO } from "../../scripts/pulumi-project";

interface MochaConfig {
    spec: string[];
    ignore: string[];
}

/** The test files mocha collects from .mocharc.json, in order, relative to the repository. */
function collected(config: MochaConfig): string[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const collectFiles = require("mocha/lib/cli/collect-files") as (options: object) => { files: string[] };
    const cwd = process.cwd();
    process.chdir(REPO);
    try {
        const { files } = collectFiles({
            spec: config.spec,
            ignore: config.ignore,
            extension: ["js"],
            file: [],
            recursive: true,
            sort: false,
        });
        return files.map((f) => relative(REPO, f));
    } finally {
        process.chdir(cwd);
    }
}

/** The test files that mostly wait: a run measured each at under a third of a core (docs/testing.md). */
const WAITING = [
    "dist/test/reliability/soak.test.js",
    "dist/test/reliability/pacing.test.js",
    "dist/test/reliability/pacing-processes.test.js",
    "dist/test/reliability/pacing-timing.test.js",
    "dist/test/reliability/properties.test.js",
    "dist/test/reliability/lost-create.test.js",
];
/** The longest of them (about a minute together), run beside the clock-ahead reruns. */
const BESIDE_RERUNS = [
    "dist/test/reliability/soak.test.js",
    "dist/test/reliability/pacing-processes.test.js",
];

describe(".mocharc.json's spec", () => {
    const config = JSON.parse(readFileSync(join(REPO, ".mocharc.json"), "utf8")) as MochaConfig;
    const files = collected(config);

    it("runs every test file under test/ exactly once, compiled", () => {
        const sources = readdirSync(join(REPO, "test"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => join("dist", "test", f.replace(/\.ts$/, ".js")));
        assert.deepEqual(
            files.filter((f, i) => files.indexOf(f) !== i),
            [],
            "collected twice (mocha would run them twice)",
        );
        assert.deepEqual([...files].sort(), sources.sort());
    });

    it("starts with the files it names, the clock-ahead reruns first, each also in ignore", () => {
        const named = config.spec.filter((s) => s.startsWith("./")).map((s) => s.slice(2));
        assert.ok(named.length > 0);
        assert.equal(named[0], "dist/test/clock-ahead.test.js");
        assert.deepEqual(files.slice(0, named.length), named);
        assert.deepEqual([...config.ignore].sort(), [...named].sort());
    });

    it("names the longest waiting files right after the clock-ahead file, the others apart and not last", () => {
        const named = config.spec.filter((s) => s.startsWith("./")).map((s) => s.slice(2));
        assert.deepEqual(named.slice(1, 1 + BESIDE_RERUNS.length), BESIDE_RERUNS);
        const spread = WAITING.filter((file) => !BESIDE_RERUNS.includes(file));
        const at = spread.map((file) => named.indexOf(file));
        assert.deepEqual(
            spread.filter((_, i) => at[i] < 0),
            [],
            "named in spec",
        );
        for (const i of at) {
            assert.ok(!WAITING.includes(named[i + 1]), `${named[i]} is followed by ${named[i + 1]}`);
            assert.ok(!WAITING.includes(named[i - 1]), `${named[i]} follows ${named[i - 1]}`);
            assert.ok(i < named.length - 1, `${named[i]} is the last named file`);
        }
    });
});

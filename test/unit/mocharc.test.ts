// .mocharc.json lists the test files one by one, longest first: mocha's parallel mode hands them to its
// workers in that order, so a long file started last would leave one worker running alone. A list can
// forget a file, or name one twice (mocha would run it twice); this checks it against the sources.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../scripts/pulumi-project";

describe(".mocharc.json's spec", () => {
    const spec = (JSON.parse(readFileSync(join(REPO, ".mocharc.json"), "utf8")) as { spec: string[] }).spec;

    it("names every test file under test/ exactly once, compiled", () => {
        const sources = readdirSync(join(REPO, "test"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => join("dist", "test", f.replace(/\.ts$/, ".js")));
        const twice = spec.filter((f, i) => spec.indexOf(f) !== i);
        assert.deepEqual(twice, [], "named twice (mocha would run them twice)");
        assert.deepEqual([...spec].sort(), sources.sort(), "add a new test file to .mocharc.json's spec");
    });

    it("starts with the two clock-ahead reruns, the longest file", () => {
        assert.equal(spec[0], "dist/test/clock-ahead.test.js");
    });
});

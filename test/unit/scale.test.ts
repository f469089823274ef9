import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SCALE_VARIABLE, testScale } from "../support/scale";

const root = join(__dirname, "..", "..", "..");

describe("the long tests' scale (ISC_PAT_TEST_SCALE)", () => {
    it("is full unless it says reduced, and refuses any other value, naming the variable", () => {
        assert.equal(testScale({}), "full");
        assert.equal(testScale({ [SCALE_VARIABLE]: "" }), "full");
        assert.equal(testScale({ [SCALE_VARIABLE]: "full" }), "full");
        assert.equal(testScale({ [SCALE_VARIABLE]: "reduced" }), "reduced");
        assert.throws(() => testScale({ [SCALE_VARIABLE]: "small" }), /ISC_PAT_TEST_SCALE must be/);
    });

    it("docs/testing.md's table names every test that takes its size from it, and no other", () => {
        const readers = readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".test.ts"))
            .filter((f) => /\batScale\(/.test(readFileSync(join(root, "test", f), "utf8")))
            .map((f) => `test/${f}`)
            .sort();
        assert.ok(readers.length > 0);
        const docs = readFileSync(join(root, "docs", "testing.md"), "utf8").split("\n");
        const header = docs.findIndex((line) => line.startsWith("| test | full scale"));
        assert.ok(header > 0, "docs/testing.md has the table of scales");
        const table = docs.slice(
            header + 2,
            docs.findIndex((line, i) => i > header && !line.startsWith("|")),
        );
        const rows = table.flatMap((line) =>
            [...line.split("|")[1].matchAll(/`(test\/[^`]+)`/g)].map((m) => m[1]),
        );
        rows.sort();
        assert.deepEqual(rows, readers);
    });
});

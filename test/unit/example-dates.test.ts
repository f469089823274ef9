// Examples in the docs and the provider's comments spell no date that will pass: an example read as
// "a date in the future" goes stale within weeks. A fixed bound, not the clock: years from 2026 (the
// project's first) to 2089 are refused; a far year such as 2099 reads as an example of spelling.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO } from "../../scripts/pulumi-project";

const DATE = /\b(20[2-8]\d)-[01]\d-[0-3]\d/g;

function files(dir: string, ext: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : [],
    );
}

describe("example dates in the docs and the provider's comments", () => {
    it("none is a date from 2026 to 2089, which would pass", () => {
        const found: string[] = [];
        for (const file of [...files(join(REPO, "docs"), ".md"), ...files(join(REPO, "provider"), ".ts")]) {
            readFileSync(file, "utf8")
                .split("\n")
                .forEach((line, i) => {
                    for (const m of line.matchAll(DATE))
                        if (Number(m[1]) >= 2026) found.push(`${relative(REPO, file)}:${i + 1}: ${m[0]}`);
                });
        }
        assert.deepEqual(found, []);
    });
});

// The README tie's rules (test/support/readme-tie.ts), on the README and on scratch drifts of it: a
// table entry the README no longer quotes, a sequence swapped, a behaviour flag dropped by a test.
import assert from "node:assert/strict";
import { readme } from "../support/readme";
import { INLINE, inlineSequences, runs, SEQUENCES, tieFailures, untied } from "../support/readme-tie";
import type { Invocation } from "../support/suite-record";

const ADOPT = "test/e2e/adopt.test.ts";
const at = (file: string, ...args: string[]): Invocation => ({ program: "pulumi", args, files: [file] });
/** The README's clone commands tied to .ci/run (the clone block's, which readme.test.ts reads). */
const CLONE = ["npm ci", "npm run demo", "npm test", "npm run plugin-tarballs"];

describe("the README tie", () => {
    it("ties the README as it is: every entry quoted, every advised sequence named", () => {
        assert.deepEqual(untied(readme, CLONE), []);
        assert.deepEqual(inlineSequences(readme).sort(), Object.keys(SEQUENCES).sort());
    });

    it("fails a table entry the README no longer quotes (destroy without --run-program)", () => {
        const drifted = readme.replace("`pulumi destroy --run-program`", "`pulumi destroy`");
        assert.notEqual(drifted, readme);
        assert.deepEqual(untied(drifted, CLONE), [
            "INLINE names `pulumi destroy --run-program`, which the README no longer shows: remove the entry",
        ]);
    });

    it("fails an advised sequence whose order changed", () => {
        const drifted = readme.replace(
            "`pulumi cancel --yes` then `pulumi up --yes`",
            "`pulumi up --yes` then `pulumi cancel --yes`",
        );
        assert.notEqual(drifted, readme);
        assert.deepEqual(untied(drifted, CLONE), [
            "the README advises `pulumi up --yes then pulumi cancel --yes`: name the test that runs it, in order, in SEQUENCES",
            "SEQUENCES names `pulumi cancel --yes then pulumi up --yes`, which the README no longer advises: remove the entry",
        ]);
    });

    it("compares the flags the README writes; a test adds only prompt and stack flags, and the tie's extras", () => {
        assert.ok(runs("pulumi up", at(ADOPT, "up", "--yes", "--skip-preview")));
        assert.ok(runs("pulumi cancel --yes", at(ADOPT, "cancel", "--yes")));
        assert.ok(
            !runs("pulumi cancel --yes", at(ADOPT, "cancel")),
            "--yes written in the README is compared",
        );
        assert.ok(!runs("pulumi destroy --run-program", at(ADOPT, "destroy", "--yes")));
        assert.ok(!runs("pulumi preview --debug", at(ADOPT, "preview", "--diff", "--debug")));
        assert.ok(!runs("pulumi preview", at(ADOPT, "preview", "--refresh")), "--refresh changes what runs");
        const gate = INLINE["pulumi preview --refresh --expect-no-changes"];
        const args = ["preview", "--refresh", "--expect-no-changes", "--policy-pack", "pack", "--diff"];
        assert.ok(runs("pulumi preview --refresh --expect-no-changes", at(gate.file, ...args), gate.extra));
        assert.ok(!runs("pulumi preview --refresh --expect-no-changes", at(gate.file, ...args)));
    });

    it("fails a sequence run out of order, and an inline command a test no longer runs", () => {
        const ran = [ADOPT];
        const inOrder = [at(ADOPT, "up", "--yes"), at(ADOPT, "cancel", "--yes"), at(ADOPT, "up", "--yes")];
        assert.deepEqual(tieFailures(inOrder, ran), []);
        assert.deepEqual(tieFailures([at(ADOPT, "up", "--yes"), at(ADOPT, "cancel", "--yes")], ran), [
            "the README advises `pulumi cancel --yes then pulumi up --yes`, but test/e2e/adopt.test.ts does not run them in that order",
        ]);
        const failures = tieFailures([at(ADOPT, "cancel"), at(ADOPT, "up", "--yes")], ran);
        assert.equal(failures.length, 2);
        assert.match(
            failures[0],
            /quotes `pulumi cancel --yes`, but test\/e2e\/adopt\.test\.ts never runs it/,
        );
        assert.deepEqual(tieFailures([], []), [], "a file that did not run is not judged");
    });
});

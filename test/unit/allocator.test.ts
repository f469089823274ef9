// The run's allocator settings (test/support/suite-hooks.ts): a caller's own are kept, and the engine's
// processes get them, as they get PATH.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Project } from "../../scripts/pulumi-project";
import { RECORD_ENV } from "../support/suite-record";
import { ALLOCATOR_TUNABLES, allocatorTunables } from "../support/suite-hooks";

describe("the suite's allocator settings", () => {
    it("are glibc's huge-page arenas, one arena, unless the caller set GLIBC_TUNABLES", () => {
        assert.equal(allocatorTunables({}), "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1");
        assert.equal(allocatorTunables({ GLIBC_TUNABLES: "glibc.malloc.check=0" }), "glibc.malloc.check=0");
        assert.equal(allocatorTunables({ GLIBC_TUNABLES: "" }), "", "an empty value is the caller's choice");
    });

    it("are this worker's when the suite runs under its own settings", () => {
        // Only mocha's main process under .mocharc.json names a record (suite-hooks.ts); a bare
        // `mocha --no-config` of this file sets neither, and the clock-ahead reruns inherit both.
        if (process.env[RECORD_ENV] === undefined) return;
        assert.notEqual(process.env.GLIBC_TUNABLES, undefined, "mochaGlobalSetup set GLIBC_TUNABLES");
    });

    it("reach the Pulumi CLI's environment", () => {
        const dir = mkdtempSync(join(tmpdir(), "pat-allocator-"));
        const before = process.env.GLIBC_TUNABLES;
        process.env.GLIBC_TUNABLES = ALLOCATOR_TUNABLES;
        const project = new Project(dir);
        try {
            assert.equal(project.env.GLIBC_TUNABLES, ALLOCATOR_TUNABLES);
        } finally {
            if (before === undefined) delete process.env.GLIBC_TUNABLES;
            else process.env.GLIBC_TUNABLES = before;
            project.cleanup();
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

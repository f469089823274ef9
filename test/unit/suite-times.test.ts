import assert from "node:assert/strict";
import { timeReport } from "../support/suite-times";

describe("the suite's time report", () => {
    it("names the slowest files first and sums the CLI's time by command", () => {
        const lines = timeReport([
            { kind: "file-time", file: "test/a.test.ts", ms: 1_000 },
            { kind: "file-time", file: "test/b.test.ts", ms: 9_000 },
            { kind: "cli-time", command: "up", ms: 3_000 },
            { kind: "cli-time", command: "up", ms: 1_000 },
            { kind: "cli-time", command: "preview", ms: 500 },
            { kind: "files", files: ["test/a.test.ts"], pid: 1 },
        ]);
        assert.deepEqual(lines, [
            "test files: 2, 10.0 s in all workers; the slowest:",
            "  9.0 s  test/b.test.ts",
            "  1.0 s  test/a.test.ts",
            "Pulumi CLI: 3 commands, 4.5 s; by command:",
            "  4.0 s  2 × pulumi up (2.0 s each)",
            "  0.5 s  1 × pulumi preview (0.5 s each)",
        ]);
    });

    it("says nothing when no worker timed a file", () => {
        assert.deepEqual(timeReport([{ kind: "cli-time", command: "up", ms: 1 }]), []);
    });
});

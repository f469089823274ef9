// The file system's "now" (the modification time of a file written just now), for tests that age files:
// under a shifted clock (test/support/clock-shift.ts) the process's clock moves, the kernel's file times do not.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function fileSystemNow(): number {
    const dir = mkdtempSync(join(tmpdir(), "fs-now-"));
    try {
        writeFileSync(join(dir, "probe"), "");
        return statSync(join(dir, "probe")).mtimeMs;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

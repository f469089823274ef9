// The clock the tests run on: this process's wall clock is ISC_PAT_CLOCK_SHIFT_MS ahead of the file
// system's (0 in a plain run), and so is the clock of a process it starts. Run in the plain suite and
// in each rerun of test/clock-ahead.test.ts: a rerun whose clock did not move fails here.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { CLOCK_SHIFT_VARIABLE } from "./support/clock-shift";
import { fileSystemNow } from "./support/fs-clock";

describe("the clock the tests run on", () => {
    const shift = Number(process.env[CLOCK_SHIFT_VARIABLE] ?? 0);

    it(`is ${CLOCK_SHIFT_VARIABLE} ahead of the file system's clock, here and in a child process`, () => {
        const child = Number(
            execFileSync(process.execPath, ["-e", "process.stdout.write(String(Date.now()))"], {
                encoding: "utf8",
            }),
        );
        const fs = fileSystemNow();
        for (const [where, now] of [
            ["this process", Date.now()],
            ["a child process", child],
        ] as const) {
            const ahead = now - fs;
            assert.ok(Math.abs(ahead - shift) < 60_000, `${where} runs ${ahead} ms ahead, not ${shift}`);
        }
    });
});

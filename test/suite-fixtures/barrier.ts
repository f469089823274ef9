// The two fixture files of test/suite-checks.test.ts wait for each other, so that a run of two
// workers runs them in different workers (each worker takes one file at a time).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../support/until";

/** The scratch scenario the nested run plays (SUITE_FIXTURE_SCENARIO): clean, leak, child-leak, silent. */
export const scenario = process.env.SUITE_FIXTURE_SCENARIO ?? "clean";
/** A secret one fixture knows and the other may print. */
export const SECRET = "fixture-secret-4f1c9a0b2d";
/** The client secret of an emulator one fixture starts in a child process: no worker registers it. */
export const CHILD_SECRET = "emulator-child-secret-7e3dc0de";

/** Marks `name` as started and resolves when `other` has too (both are running, in two workers). */
export async function meet(name: string, other: string): Promise<void> {
    const dir = process.env.SUITE_FIXTURE_DIR as string;
    writeFileSync(join(dir, name), "");
    await until(() => existsSync(join(dir, other)), `${other} to start (mocha's timeout ends the wait)`, {
        everyMs: 20,
    });
}

// The suite-wide checks, over what every worker of a mocha run wrote (test/support/suite-record.ts):
// each test file that ran was reported by the worker that ran it; no text of any process holds a secret
// of any emulator or test; the README's commands are run as it quotes them (test/support/readme-tie.ts).
import { HygieneLog } from "./hygiene";
import { tieFailures } from "./readme-tie";
import type { Invocation, SuiteEntry } from "./suite-record";

/** What a run's workers wrote, the secrets its emulators issued, and the test files mocha ran. */
export interface SuiteRun {
    entries: readonly SuiteEntry[];
    issued: readonly string[];
    /** Repository paths of the test files that ran (test/…/x.test.ts). */
    ran: readonly string[];
}

export interface SuiteReport {
    failures: string[];
    /** What the checks saw, for the run's summary line. */
    seen: { workers: number; files: number; secrets: number; texts: number; invocations: number };
}

/** The file whose run brings the secret check's own tests: a run with it must have seen secrets and texts. */
export const HYGIENE_FILE = "test/hygiene.test.ts";
/** The file whose run brings the README's tests: a run with it checks the README tie. */
export const README_FILE = "test/e2e/readme.test.ts";

export function checkSuite({ entries, issued, ran }: SuiteRun): SuiteReport {
    const failures: string[] = [];
    const log = new HygieneLog();
    const invocations: Invocation[] = [];
    const reported = new Set<string>();
    const workers = new Set<number>();
    for (const entry of entries) {
        if (entry.kind === "secret") log.secret(entry.value);
        else if (entry.kind === "text") log.record(entry.source, entry.text);
        else if (entry.kind === "invocation") invocations.push(entry);
        else if (entry.kind === "files") {
            for (const file of entry.files) reported.add(file);
            workers.add(entry.pid);
        }
    }
    for (const secret of issued) log.secret(secret);

    // A worker whose record is missing would switch every check below off for its files.
    const unreported = ran.filter((file) => !reported.has(file));
    if (unreported.length > 0)
        failures.push(
            `the suite-wide checks saw nothing from the worker that ran ${unreported.join(", ")}: is ` +
                "test/support/suite-hooks.js in .mocharc.json's require?",
        );

    const { secrets, texts } = log.counts();
    if (ran.includes(HYGIENE_FILE) && (secrets === 0 || texts === 0))
        failures.push(`the secret check saw ${secrets} secrets and ${texts} texts from the workers`);
    failures.push(...log.leaks().map((leak) => `secret hygiene: ${leak}`));

    if (ran.includes(README_FILE)) failures.push(...tieFailures(invocations, ran));
    return {
        failures,
        seen: {
            workers: workers.size,
            files: reported.size,
            secrets,
            texts,
            invocations: invocations.length,
        },
    };
}

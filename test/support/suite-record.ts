// What each mocha worker saw, written to files for the suite-wide checks (test/support/suite-hooks.ts):
// mocha's main process names a private directory in ISC_PAT_SUITE_RECORD before it starts its workers;
// each worker appends what it sees there, one JSON line per entry, and the main process reads it all
// when every worker is done. Every emulator, in any process that inherits the environment, appends the
// secrets it issues to ISC_EMULATOR_SECRETS_FILE (emulator/index.ts). Without the variables (a run
// with --no-config), nothing is written and the immediate checks of test/support/hygiene.ts still run.
import { appendFileSync, closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { basename, join } from "node:path";

/** The directory the workers write to, set by the main process. */
export const RECORD_ENV = "ISC_PAT_SUITE_RECORD";
/** The file every emulator appends its issued secrets to (emulator/index.ts reads the same name). */
export const EMULATOR_SECRETS_ENV = "ISC_EMULATOR_SECRETS_FILE";

/** An invocation of a command the README shows, with the end-to-end test files that made it. */
export interface Invocation {
    program: string;
    args: string[];
    files: string[];
}

export type SuiteEntry =
    | { kind: "secret"; value: string }
    | { kind: "text"; source: string; text: string }
    | ({ kind: "invocation" } & Invocation)
    /** A worker's word that it ran these test files and wrote what they saw. */
    | { kind: "files"; files: string[]; pid: number }
    /** How long a test file took in its worker, hooks included (the run's time report). */
    | { kind: "file-time"; file: string; ms: number }
    /** How long one Pulumi CLI command took, named by its first two words. */
    | { kind: "cli-time"; command: string; ms: number };

/** Appends an entry to this worker's record; nothing when no record is being kept. */
export function appendEntry(entry: SuiteEntry): void {
    const dir = process.env[RECORD_ENV];
    if (!dir) return;
    appendFileSync(join(dir, `worker-${process.pid}.jsonl`), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** Every entry the workers wrote to `dir`, in each worker's order. */
export function readEntries(dir: string): SuiteEntry[] {
    return readdirSync(dir)
        .filter((f) => /^worker-\d+\.jsonl$/.test(f))
        .sort()
        .flatMap((f) =>
            readFileSync(join(dir, f), "utf8")
                .split("\n")
                .filter((line) => line !== "")
                .map((line) => JSON.parse(line) as SuiteEntry),
        );
}

/** The secrets emulators in any process appended to `file`, one a line. */
export function issuedSecrets(file: string): string[] {
    let text = "";
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    return text.split("\n").filter((line) => line !== "");
}

let readUpTo = 0;

/** The secrets emulators appended since the last call (for this process's immediate checks). */
export function newlyIssuedSecrets(): string[] {
    const file = process.env[EMULATOR_SECRETS_ENV];
    if (!file) return [];
    let fd: number;
    try {
        fd = openSync(file, "r");
    } catch {
        return [];
    }
    try {
        const size = fstatSync(fd).size;
        if (size <= readUpTo) return [];
        const buffer = Buffer.alloc(size - readUpTo);
        readSync(fd, buffer, 0, buffer.length, readUpTo);
        const text = buffer.toString("utf8");
        const complete = text.lastIndexOf("\n") + 1; // a line being written is read next time
        readUpTo += Buffer.byteLength(text.slice(0, complete));
        return text
            .slice(0, complete)
            .split("\n")
            .filter((line) => line !== "");
    } finally {
        closeSync(fd);
    }
}

/** A mocha file path (dist/test/…/x.test.js) as the repository names its source (test/…/x.test.ts). */
export function sourceOf(file: string): string {
    const match = /(?:^|\/)dist\/(test\/.*)\.js$/.exec(file);
    return match ? `${match[1]}.ts` : basename(file);
}

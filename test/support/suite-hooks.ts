// A mocha root-hook plugin (.mocharc.json `require`) that runs the suite-wide checks once, over every
// worker. In parallel mode mocha loads it in its main process and in each worker:
// - main process, before the workers start (mochaGlobalSetup): a private directory for the workers'
//   records, named in the environment the workers and their children inherit; the test files that run
//   are noted from the runner's events; and a directory where the packed tarball and the installed
//   example projects are made once for all workers (scripts/pulumi-project.ts), removed at the end;
// - each worker, after each test file (a root afterAll hook, which parallel mode runs per file): the
//   word that it ran that file, after what the file saw (written as it happened, test/support/
//   suite-record.ts);
// - main process, after every worker is done (mochaGlobalTeardown): the checks of suite-check.ts over
//   all of it; a failure fails the run (mocha exits non-zero).
// A serial run (--no-parallel) does the same in one process.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Runner, Suite } from "mocha";
import { INSTALLS_ENV } from "../../scripts/pulumi-project";
import { checkSuite } from "./suite-check";
import { timeReport } from "./suite-times";
import {
    appendEntry,
    EMULATOR_SECRETS_ENV,
    issuedSecrets,
    readEntries,
    RECORD_ENV,
    sourceOf,
} from "./suite-record";

const ran = new Set<string>();
let dir = "";
let installs = "";

/**
 * glibc's allocator for every process of the run (the workers and all they start inherit it): its
 * arenas on transparent huge pages, and one arena. The run starts hundreds of short Node processes
 * (each engine pass two that load @pulumi/pulumi), which spend a quarter of their CPU in the kernel,
 * much of it faulting in fresh pages; this cuts a preview's page faults by over a quarter and its CPU
 * by about 9%
 * (docs/testing.md). Performance only: a glibc without these tunables ignores them, and a value the
 * caller set is kept.
 */
export const ALLOCATOR_TUNABLES = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";

/** The allocator settings a run takes: the caller's GLIBC_TUNABLES, else ALLOCATOR_TUNABLES. */
export function allocatorTunables(env: NodeJS.ProcessEnv): string {
    return env.GLIBC_TUNABLES ?? ALLOCATOR_TUNABLES;
}

export function mochaGlobalSetup(this: Runner): void {
    process.env.GLIBC_TUNABLES = allocatorTunables(process.env);
    // Private (0700): the records hold the run's secrets. A nested run keeps its own.
    dir = mkdtempSync(join(tmpdir(), "pat-suite-"));
    process.env[RECORD_ENV] = dir;
    process.env[EMULATOR_SECRETS_ENV] = join(dir, "issued-secrets");
    // The packed tarball and the installed example projects, made once for every worker.
    installs = mkdtempSync(join(tmpdir(), "pat-installs-"));
    process.env[INSTALLS_ENV] = installs;
    const note = (runnable: { file?: string }) => runnable.file && ran.add(sourceOf(runnable.file));
    this.on("test end", note);
    this.on("fail", note);
}

export function mochaGlobalTeardown(): void {
    const entries = readEntries(dir);
    const { failures, seen } = checkSuite({
        entries,
        issued: issuedSecrets(process.env[EMULATOR_SECRETS_ENV] ?? ""),
        ran: [...ran],
    });
    rmSync(dir, { recursive: true, force: true });
    rmSync(installs, { recursive: true, force: true });
    console.log(
        `suite-wide checks: ${seen.files} of ${ran.size} test files reported by ${seen.workers} workers; ` +
            `${seen.secrets} secrets, ${seen.texts} texts, ${seen.invocations} README-command invocations`,
    );
    for (const line of timeReport(entries)) console.log(line);
    if (failures.length > 0) throw new Error(`the suite-wide checks failed:\n- ${failures.join("\n- ")}`);
}

/** The test files directly under the root suite (one in a parallel worker, all of them in a serial run). */
function filesOf(root: Suite): string[] {
    const files = [...root.suites, ...root.tests].map((r) => r.file).filter((f): f is string => !!f);
    return [...new Set(files.map(sourceOf))];
}

let fileStarted = 0;

export const mochaHooks = {
    beforeAll(): void {
        fileStarted = performance.now();
    },
    afterAll(this: Mocha.Context): void {
        const root = this.test?.parent;
        if (!root) return;
        const files = filesOf(root);
        appendEntry({ kind: "files", files, pid: process.pid });
        // One file per worker run in parallel mode; a serial run's single entry names them all.
        appendEntry({ kind: "file-time", file: files.join(", "), ms: performance.now() - fileStarted });
    },
};

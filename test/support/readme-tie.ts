// The README tie: every command the README quotes inline is one an end-to-end test runs, with the same
// flags, and every sequence it advises ("run `a` then `b`") is run in that order by one test. The
// tables are checked against the README's text in test/e2e/readme.test.ts, and against the invocations
// the tests made, over every mocha worker, in mocha's main process (test/support/suite-hooks.ts).
import { isDeepStrictEqual } from "node:util";
import type { Invocation } from "./suite-record";

/** The test that runs a command the README quotes, and the flags it may add (beyond `QUIET`). */
export interface Tie {
    file: string;
    extra?: string[];
}

/**
 * Inline commands (`pulumi …`, `npx …`, `npm …`) and the end-to-end test that runs each with the same
 * arguments (plus only the flags that answer prompts or pick the stack, and any `extra` named here).
 * The test command is CI's own script's line instead (they must stay identical).
 */
export const INLINE: Record<string, Tie> = {
    "pulumi preview": { file: "test/e2e/drift.test.ts" },
    "pulumi up": { file: "test/e2e/lifecycle.test.ts" },
    "pulumi refresh": { file: "test/e2e/drift.test.ts" },
    "pulumi destroy": { file: "test/e2e/lifecycle.test.ts" },
    "pulumi up --yes": { file: "test/e2e/adopt.test.ts" },
    "pulumi cancel --yes": { file: "test/e2e/adopt.test.ts" },
    // The advice after rotating the API client's secret: the settings come from the program, not the state.
    "pulumi destroy --run-program": { file: "test/e2e/secrets.test.ts" },
    // The README's drift gate of the GitOps pipeline, which runs it with the pack, showing the diff.
    "pulumi preview --refresh --expect-no-changes": {
        file: "test/e2e/gitops.test.ts",
        extra: ["--policy-pack", "--diff"],
    },
    "pulumi preview --debug": { file: "test/e2e/verbose-logging.test.ts" },
    "npm test": { file: ".ci/run" },
    "npm ci": { file: ".ci/run" },
    "npm run demo": { file: "test/e2e/demo.test.ts" },
    // With a free port and its own client, so that the test never meets a busy port.
    "npx isc-pat emulator": {
        file: "test/e2e/emulator-bin.test.ts",
        extra: ["--port", "--client-id", "--client-secret-file"],
    },
    "npx isc-pat emulator --help": { file: "test/e2e/emulator-bin.test.ts" },
    // The plugin's tarballs, installed by name in the YAML project.
    "npm run plugin-tarballs": { file: "test/e2e/yaml.test.ts" },
    "pulumi plugin ls": { file: "test/e2e/yaml.test.ts" },
    "pulumi package get-schema iscpat": { file: "test/e2e/yaml.test.ts" },
};

/**
 * The sequences the README advises inline (`` `a` then `b` ``, `` `a` and then `b` ``), keyed
 * "a then b", and the test that runs them in that order (with `extra` allowed on either).
 */
export const SEQUENCES: Record<string, Tie> = {
    // Recovery from a killed `up`.
    "pulumi cancel --yes then pulumi up --yes": { file: "test/e2e/adopt.test.ts" },
    // The GitOps pipeline's nightly job: the rotating up, then the drift gate.
    "pulumi up then pulumi preview --refresh --expect-no-changes": {
        file: "test/e2e/gitops.test.ts",
        extra: ["--policy-pack", "--diff"],
    },
};

/** Flags that answer a prompt or pick the stack: a test may add them where the README has none. */
export const QUIET = ["--yes", "--skip-preview", "--non-interactive", "--stack"];
/** Flags followed by a value. */
const VALUED = new Set(["--stack", "--policy-pack", "--port", "--client-id", "--client-secret-file"]);

const INLINE_COMMAND = "`((?:pulumi|npx|npm) [^`]*)`";

/** The commands the README quotes inline, in order. */
export function inlineCommands(readme: string): string[] {
    return [...readme.matchAll(new RegExp(INLINE_COMMAND, "g"))].map((m) => m[1]);
}

/** The sequences the README advises inline, as "a then b". */
export function inlineSequences(readme: string): string[] {
    const text = readme.replace(/\s+/g, " ");
    const pattern = new RegExp(`${INLINE_COMMAND},? (?:and )?then ${INLINE_COMMAND}`, "g");
    return [...text.matchAll(pattern)].map((m) => `${m[1]} then ${m[2]}`);
}

/** The arguments without the flags (and their values) that `ignored` names. */
function without(args: readonly string[], ignored: readonly string[]): string[] {
    const kept: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (ignored.includes(args[i])) i += VALUED.has(args[i]) ? 1 : 0;
        else kept.push(args[i]);
    }
    return kept;
}

/**
 * Whether a test's invocation runs the README's command: the same program and arguments, every flag
 * the README writes included (`--yes`, `--refresh`, `--run-program` are compared like any other), the
 * test adding only `QUIET` flags and the tie's `extra`.
 */
export function runs(command: string, invocation: Invocation, extra: readonly string[] = []): boolean {
    const [program, ...want] = command.split(" ");
    if (invocation.program !== program) return false;
    const added = [...QUIET, ...extra].filter((flag) => !want.includes(flag));
    return isDeepStrictEqual(without(invocation.args, added), want);
}

/**
 * The tables' entries the README no longer quotes (inline, or among `shown`: the commands of its blocks
 * for a clone), and the sequences it advises with no entry.
 */
export function untied(readme: string, shown: readonly string[]): string[] {
    const commands = [...inlineCommands(readme), ...shown];
    const sequences = inlineSequences(readme);
    return [
        ...Object.keys(INLINE)
            .filter((c) => !commands.includes(c))
            .map((c) => `INLINE names \`${c}\`, which the README no longer shows: remove the entry`),
        ...sequences
            .filter((s) => !SEQUENCES[s])
            .map((s) => `the README advises \`${s}\`: name the test that runs it, in order, in SEQUENCES`),
        ...Object.keys(SEQUENCES)
            .filter((s) => !sequences.includes(s))
            .map((s) => `SEQUENCES names \`${s}\`, which the README no longer advises: remove the entry`),
    ];
}

/**
 * What the tests' invocations fail of the tables: for each entry whose test file ran (`ran`), the
 * command (or each command of the sequence, in order) among that file's invocations.
 */
export function tieFailures(invocations: readonly Invocation[], ran: readonly string[]): string[] {
    const failures: string[] = [];
    const of = (file: string) => invocations.filter((i) => i.files.includes(file));
    const shown = (list: Invocation[]) => list.map((i) => `${i.program} ${i.args.join(" ")}`).join("\n");
    for (const [command, { file, extra }] of Object.entries(INLINE)) {
        if (!file.startsWith("test/e2e/") || !ran.includes(file)) continue;
        if (!of(file).some((i) => runs(command, i, extra)))
            failures.push(
                `the README quotes \`${command}\`, but ${file} never runs it; it ran:\n${shown(of(file))}`,
            );
    }
    for (const [sequence, { file, extra }] of Object.entries(SEQUENCES)) {
        if (!ran.includes(file)) continue;
        let at = 0;
        for (const command of sequence.split(" then ")) {
            const found = of(file).findIndex((i, index) => index >= at && runs(command, i, extra));
            if (found < 0) {
                failures.push(
                    `the README advises \`${sequence}\`, but ${file} does not run them in that order`,
                );
                break;
            }
            at = found + 1;
        }
    }
    return failures;
}

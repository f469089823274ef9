// Secret hygiene across the whole suite: tests register every secret they come across (client
// secrets, PAT secrets, bearer tokens) and every text a user could see (error messages, CLI
// output, stack exports). Each process's output is checked at once (`observe`) against what this
// worker knows; everything is also written to the worker's record (test/support/suite-record.ts), and
// the main process checks every text of every worker against every secret of the run
// (test/support/suite-hooks.ts), the secrets emulators issued in child processes included.
import { appendEntry, newlyIssuedSecrets, type SuiteEntry } from "./suite-record";

/** No secret an emulator issues or a test makes is shorter. */
export const MIN_SECRET_LENGTH = 8;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./;

export class HygieneLog {
    private readonly secrets = new Set<string>();
    /** Hex secrets (most of them: every PAT the emulator issues) by length, found through hex runs. */
    private readonly hexByLength = new Map<number, Set<string>>();
    private readonly texts: { source: string; text: string }[] = [];

    /** `sink` sees each new secret and each text (the suite's log writes them to the worker's record). */
    constructor(private readonly sink: (entry: SuiteEntry) => void = () => undefined) {}

    secret(value: string | undefined | null): void {
        // Shorter values are test fixtures' stand-ins ("s", "s1"), which ordinary text holds.
        if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return;
        this.secrets.add(value);
        this.sink({ kind: "secret", value });
        if (!/^[0-9a-fA-F]+$/.test(value)) return;
        const same = this.hexByLength.get(value.length) ?? new Set<string>();
        same.add(value);
        this.hexByLength.set(value.length, same);
    }

    record(source: string, text: string | undefined | null): void {
        if (!text) return;
        this.texts.push({ source, text });
        this.sink({ kind: "text", source, text });
    }

    /** Records an error's message and stack, and returns the error for assertions. */
    error<E>(source: string, error: E): E {
        const e = error as { message?: string; stack?: string };
        this.record(source, `${e.message ?? String(error)}\n${e.stack ?? ""}`);
        return error;
    }

    /** What in `text` leaks: each registered secret it holds (by its last 4 characters), a JWT. */
    leaksIn(text: string): string[] {
        const found = new Set<string>();
        // A hex secret in a text lies within a run of hex characters: look up its windows.
        for (const [run] of text.matchAll(/[0-9a-fA-F]+/g)) {
            for (const [length, same] of this.hexByLength) {
                for (let i = 0; i + length <= run.length; i++) {
                    if (same.has(run.slice(i, i + length))) found.add(run.slice(i, i + length));
                }
            }
        }
        for (const secret of this.secrets) {
            if (!this.hexByLength.get(secret.length)?.has(secret) && text.includes(secret)) found.add(secret);
        }
        const leaks = [...found].map((secret) => `holds a secret (…${secret.slice(-4)})`);
        if (JWT.test(text)) leaks.push("holds a JWT");
        return leaks;
    }

    leaks(): string[] {
        return this.texts.flatMap(({ source, text }) =>
            this.leaksIn(text).map((leak) => `${source}: ${leak}`),
        );
    }

    counts(): { secrets: number; texts: number } {
        return { secrets: this.secrets.size, texts: this.texts.length };
    }
}

/** This worker's log, written to its record. */
export const hygiene = new HygieneLog(appendEntry);

/**
 * Records a process's output (or any text a user could see) for the suite-wide check, and fails at once
 * if it holds a secret this worker knows of: every secret an emulator issued (in this process or a
 * child's), the API clients' secrets, or a JWT.
 */
export function observe(source: string, text: string | undefined | null): void {
    for (const secret of newlyIssuedSecrets()) hygiene.secret(secret);
    hygiene.record(source, text);
    const leaks = text ? hygiene.leaksIn(text) : [];
    if (leaks.length > 0) throw new Error(`${source} printed what it must not: ${leaks.join(", ")}`);
}

// Secret hygiene across the whole suite: tests register every secret they come across (client
// secrets, PAT secrets, bearer tokens) and every text a user could see (error messages, CLI
// output, stack exports); test/hygiene.test.ts fails if any text holds any secret.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./;

export class HygieneLog {
    private readonly secrets = new Set<string>();
    /** Hex secrets (most of them: every PAT the emulator issues) by length, found through hex runs. */
    private readonly hexByLength = new Map<number, Set<string>>();
    private readonly texts: { source: string; text: string }[] = [];

    secret(value: string | undefined | null): void {
        if (!value || this.secrets.has(value)) return;
        this.secrets.add(value);
        if (!/^[0-9a-fA-F]+$/.test(value)) return;
        const same = this.hexByLength.get(value.length) ?? new Set<string>();
        same.add(value);
        this.hexByLength.set(value.length, same);
    }

    record(source: string, text: string | undefined | null): void {
        if (text) this.texts.push({ source, text });
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

/** The suite-wide log. */
export const hygiene = new HygieneLog();

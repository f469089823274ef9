// Secret hygiene across the whole suite: tests register every secret they come across (client
// secrets, PAT secrets, bearer tokens) and every text a user could see (error messages, CLI
// output, stack exports); test/hygiene.test.ts fails if any text holds any secret.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./;

export class HygieneLog {
    private readonly secrets = new Set<string>();
    private readonly texts: { source: string; text: string }[] = [];

    secret(value: string | undefined | null): void {
        if (value) this.secrets.add(value);
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

    leaks(): string[] {
        const found: string[] = [];
        for (const { source, text } of this.texts) {
            for (const secret of this.secrets) {
                if (text.includes(secret)) found.push(`${source}: holds a secret (…${secret.slice(-4)})`);
            }
            if (JWT.test(text)) found.push(`${source}: holds a JWT`);
        }
        return found;
    }

    counts(): { secrets: number; texts: number } {
        return { secrets: this.secrets.size, texts: this.texts.length };
    }
}

/** The suite-wide log. */
export const hygiene = new HygieneLog();

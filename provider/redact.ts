// Every secret this process sees (client secret, bearer tokens, PAT secrets) is registered here,
// and every message that leaves the provider passes through scrub(): a secret never reaches an
// error, a log line or the CLI, whatever went wrong.
const sensitive = new Set<string>();

/** Remembers a value that must never be shown. Short values are ignored: they would mask too much. */
export function registerSecret(value: string | undefined | null): void {
    if (typeof value === "string" && value.length >= 8) sensitive.add(value);
}

export function scrub(text: string): string {
    let result = text;
    // Longest first, so that a secret which starts with another is masked whole.
    for (const value of [...sensitive].sort((a, b) => b.length - a.length)) {
        if (result.includes(value)) result = result.split(value).join("[secret]");
    }
    // Shapes that are secrets whether or not we saw them: bearer tokens and JWTs.
    return result
        .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[secret]")
        .replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[secret]")
        .replace(/(client_secret=)[^&\s]+/gi, "$1[secret]");
}

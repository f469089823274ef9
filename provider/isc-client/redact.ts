// Every secret this process sees (client secret, bearer tokens, PAT secrets) is registered here,
// and every message that leaves the provider passes through scrub(): a secret never reaches an
// error, a log line or the CLI, whatever went wrong. scrub() is linear in its input and looks at a
// bounded prefix only, so a hostile error body cannot stall the process; it also neutralises
// control characters, so that nothing the API or a program sends can drive the user's terminal.
import { neutralise } from "../../wire/printable";

// Where the provider's modules have always found them.
export { neutralise, printable } from "../../wire/printable";

const sensitive = new Set<string>();

/** At most this many characters of a message are shown; the rest is counted, not scrubbed. */
export const MAX_SHOWN_CHARS = 8_192;
/**
 * The longest value registerSecret() accepts. PAT and client secrets are 64 hex characters, bearer
 * tokens a few KB; a longer "secret" can only come from a hostile answer, which its parser refuses
 * (auth.ts, records.ts). 8 KB is also the common limit of an HTTP header line: no server would take
 * a longer bearer token.
 */
export const MAX_SECRET_CHARS = 8_192;
/**
 * How far beyond the shown text secrets are looked for, so one cut by the limit is masked whole: at
 * least the longest registered secret, and a fixed bound on each scrub's work whatever was registered.
 */
const LOOK_BEYOND_CHARS = 16_384;

/**
 * Remembers a value that must never be shown; true when it is registered. Short values are ignored
 * (they would mask too much), and values longer than MAX_SECRET_CHARS refused (they would make every
 * scrub scan that far): a caller must not show such a value at all.
 */
export function registerSecret(value: string | undefined | null): boolean {
    if (typeof value !== "string" || value.length < 8 || value.length > MAX_SECRET_CHARS) return false;
    sensitive.add(value);
    return true;
}

/** Work done by secretRanges(), for tests that bound it. */
export interface ScanStats {
    steps: number;
    /** Characters of text handed to secretRanges(). */
    scanned?: number;
}

/**
 * The shown text: at most MAX_SHOWN_CHARS characters, every registered secret and every bearer-,
 * JWT- or client_secret=-shaped string replaced by [secret] (also one that the cut runs through),
 * control characters escaped.
 */
export function scrub(text: string, stats: ScanStats = { steps: 0 }): string {
    const cut = text.length > MAX_SHOWN_CHARS ? MAX_SHOWN_CHARS : text.length;
    const window = text.slice(0, cut + LOOK_BEYOND_CHARS);
    let shown = "";
    let at = 0;
    for (const [start, end] of secretRanges(window, stats)) {
        if (start >= cut) break;
        shown += neutralise(window.slice(at, start)) + "[secret]";
        at = end;
    }
    if (at < cut) shown += neutralise(window.slice(at, cut));
    const rest = text.length - Math.max(at, cut);
    return rest > 0 ? `${shown}… [${rest} more characters not shown]` : shown;
}

/**
 * The sorted, merged [start, end) ranges of `text` to mask. Registered secrets are found with
 * indexOf; the shapes by one pass each (regexes without nested or ambiguous repetition, and a
 * hand-written JWT scan), so the work is linear in the text's length.
 */
export function secretRanges(text: string, stats: ScanStats = { steps: 0 }): [number, number][] {
    stats.scanned = (stats.scanned ?? 0) + text.length;
    const ranges: [number, number][] = [];
    for (const value of sensitive) {
        for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + value.length)) {
            stats.steps++;
            ranges.push([i, i + value.length]);
        }
    }
    // Bearer tokens: the token after the keyword (the keyword stays, for context).
    for (const m of text.matchAll(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi)) {
        stats.steps++;
        ranges.push([m.index + m[1].length, m.index + m[0].length]);
    }
    // A placeholder such as <value> in a hint (export SAIL_CLIENT_SECRET=<value>) is no secret.
    for (const m of text.matchAll(/(client_secret=)(?!<[a-z-]{1,20}>(?:[\s&]|$))[^&\s]+/gi)) {
        stats.steps++;
        ranges.push([m.index + m[1].length, m.index + m[0].length]);
    }
    jwtRanges(text, ranges, stats);
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const range of ranges) {
        const last = merged[merged.length - 1];
        if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
        else merged.push([...range]);
    }
    return merged;
}

/** [A-Za-z0-9_] */
function isWord(c: number): boolean {
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** [A-Za-z0-9_-]: what a JWT's base64url segments are made of. */
function isSegment(c: number): boolean {
    return isWord(c) || c === 45;
}

/**
 * JWT shapes: "eyJ" at a word boundary, at least 5 more segment characters, ".", at least 5, ".",
 * any. A regex for this backtracks quadratically on "eyJ-eyJ-…"; this scan visits each character
 * a bounded number of times: it walks dot-separated segments, and in each tries only the first
 * "eyJ" at a word boundary (a later one has a shorter first part and the same rest).
 */
function jwtRanges(text: string, ranges: [number, number][], stats: ScanStats): void {
    const segmentEnd = (from: number): number => {
        let i = from;
        while (i < text.length && isSegment(text.charCodeAt(i))) {
            stats.steps++;
            i++;
        }
        return i;
    };
    let i = 0;
    while (i < text.length) {
        stats.steps++;
        if (!isSegment(text.charCodeAt(i))) {
            i++;
            continue;
        }
        const start = i;
        const end = segmentEnd(i);
        const first = firstJwtStart(text, start, end, stats);
        if (first !== -1 && end - first >= 8 && text[end] === ".") {
            const secondEnd = segmentEnd(end + 1);
            if (secondEnd - (end + 1) >= 5 && text[secondEnd] === ".") {
                const thirdEnd = segmentEnd(secondEnd + 1);
                ranges.push([first, thirdEnd]);
                i = thirdEnd;
                continue;
            }
        }
        i = end;
    }
}

/** The first "eyJ" in text[start, end) with a word boundary before it, or -1. */
function firstJwtStart(text: string, start: number, end: number, stats: ScanStats): number {
    for (let j = start; j + 3 <= end; j++) {
        stats.steps++;
        if (text.startsWith("eyJ", j) && (j === 0 || !isWord(text.charCodeAt(j - 1)))) return j;
    }
    return -1;
}

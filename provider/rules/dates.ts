// The one owner of instants: what counts as an RFC 3339 date-time (for the schema's format and for
// check), reading one strictly, whether an instant has passed, days added to one, a day in
// milliseconds, and the spellings written. Check accepts every RFC 3339 spelling (a space or a
// lower-case t/z, offsets); the API is sent one spelling, the one its examples use; what the package
// writes (outputs, the audit's report) has one spelling of its own. Everything else in provider/ and
// policy/ reads and writes instants through these (eslint.config.mjs refuses Date.parse,
// new Date(<string>) and trimming toISOString elsewhere).
export const DAY_MS = 86_400_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** The fields of an RFC 3339 date-time, each in its range (the day in its month); second 60 allowed. */
function rfc3339Fields(value: string): { second: number } | undefined {
    const m = RFC3339.exec(value);
    if (!m) return undefined;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const [offsetHours, offsetMinutes] = [Number(m[8] ?? 0), Number(m[9] ?? 0)];
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const valid =
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysInMonth &&
        hour <= 23 &&
        minute <= 59 &&
        second <= 60 &&
        offsetHours <= 23 &&
        offsetMinutes <= 59;
    return valid ? { second } : undefined;
}

/** RFC 3339 instants only: a date, a time and an offset (Date.parse alone accepts much more). */
export function isRfc3339(value: string): boolean {
    const fields = rfc3339Fields(value);
    return fields !== undefined && fields.second < 60 && !Number.isNaN(anyInstant(value));
}

/**
 * An RFC 3339 leap second (second 60): a valid date-time that no clock here can compare, so check
 * refuses it with its own message.
 */
export function isLeapSecond(value: string): boolean {
    return rfc3339Fields(value)?.second === 60;
}

/** Whether the instant is now or earlier: an expiry that has passed, a rotation that is due. */
export function hasPassed(value: string | Date, now: Date): boolean {
    return (typeof value === "string" ? instantMs(value) : value.getTime()) <= now.getTime();
}

/** Whether more than `days` have passed since `at` (strictly: at exactly `days`, not yet). */
export function isOlderThan(at: Date, now: Date, days: number): boolean {
    return !hasPassed(now, addDays(at, days));
}

/** `days` (whole or not, negative for earlier) after an instant given as a Date or in ms. */
export function addDays(at: Date | number, days: number): Date {
    return new Date((typeof at === "number" ? at : at.getTime()) + days * DAY_MS);
}

/** The instant of an RFC 3339 date-time in any spelling check accepts, in ms; NaN for anything else. */
export function instantMs(value: string): number {
    return isRfc3339(value) ? anyInstant(value) : Number.NaN;
}

/** instantMs() as a Date: an invalid Date for anything but an RFC 3339 date-time. */
export function instantOf(value: string): Date {
    return new Date(instantMs(value));
}

/**
 * An HTTP-date (RFC 9110, the Date and Retry-After headers: "Sun, 06 Nov 1994 08:49:37 GMT", or the
 * obsolete RFC 850 form, both ending in GMT) in ms, or NaN.
 */
export function httpDateMs(value: string): number {
    const trimmed = value.trim();
    return /GMT$/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
}

/** Date.parse, after the spellings RFC 3339 allows and it does not (a space or a lower-case t/z). */
function anyInstant(value: string): number {
    return Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2})[ t]/, "$1T").toUpperCase());
}

/** An instant the package computes, in the API's spelling and cut to the second: e.g. 2099-01-01T00:00:00Z. */
export function wireInstant(at: Date): string {
    return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An instant in the package's written spelling (writtenDate()), from a Date or ms. */
export function writtenInstant(at: Date | number): string {
    return (typeof at === "number" ? new Date(at) : at).toISOString();
}

/**
 * An RFC 3339 instant as the API's examples spell it: UTC, upper-case T and Z, e.g.
 * 2099-01-01T00:00:00Z. A value that is no date is returned as it is (check refuses it).
 */
export function wireDate(value: string): string {
    const at = instantMs(value);
    // Fractions of a second are kept (the API takes them); whole seconds are spelled without.
    return Number.isNaN(at) ? value : writtenInstant(at).replace(/\.000Z$/, "Z");
}

/**
 * An instant the package writes: UTC, always with milliseconds, e.g. 2099-12-23T19:37:53.000Z
 * (Date#toISOString). Always with them, because the API's created and lastUsed carry fractions of a
 * second: one fixed-width form that keeps them (to the millisecond) and sorts as text. The API's
 * extra digits (microseconds) are dropped. An echoed input keeps its own spelling (outputs.ts); a
 * value that is no date is returned as it is.
 */
export function writtenDate(value: string): string;
export function writtenDate(value: string | null): string | null;
export function writtenDate(value: string | null): string | null {
    if (value === null) return null;
    const at = instantMs(value);
    return Number.isNaN(at) ? value : writtenInstant(at);
}

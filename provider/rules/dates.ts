// The one owner of instants: what counts as an RFC 3339 date-time (for the schema's format and for
// check), whether an instant has passed, a day in milliseconds. Check accepts every RFC 3339 spelling
// (a space or a lower-case t/z, offsets); the API is sent one spelling, the one its examples use;
// what the package writes (outputs, the audit's report) has one spelling of its own.

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
    return fields !== undefined && fields.second < 60 && !Number.isNaN(Date.parse(wireDate(value)));
}

/**
 * An RFC 3339 leap second (second 60): a valid date-time that no clock here can compare, so check
 * refuses it with its own message.
 */
export function isLeapSecond(value: string): boolean {
    return rfc3339Fields(value)?.second === 60;
}

/** Whether the instant is now or earlier: an expiry that has passed, a rotation that is due. */
export function hasPassed(value: string, now: Date): boolean {
    return instant(value) <= now.getTime();
}

/** The instant of an RFC 3339 string in any spelling check accepts, or NaN. */
function instant(value: string): number {
    return Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2})[ t]/, "$1T").toUpperCase());
}

/**
 * An RFC 3339 instant as the API's examples spell it: UTC, upper-case T and Z, e.g.
 * 2027-01-01T00:00:00Z. A value that is no date is returned as it is (check refuses it).
 */
export function wireDate(value: string): string {
    const at = instant(value);
    return Number.isNaN(at) ? value : new Date(at).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * An instant the package writes: UTC, always with milliseconds, e.g. 2026-12-23T19:37:53.000Z
 * (Date#toISOString). Always with them, because the API's created and lastUsed carry fractions of a
 * second: one fixed-width form that keeps them (to the millisecond) and sorts as text. The API's
 * extra digits (microseconds) are dropped. An echoed input keeps its own spelling (outputs.ts); a
 * value that is no date is returned as it is.
 */
export function writtenDate(value: string): string;
export function writtenDate(value: string | null): string | null;
export function writtenDate(value: string | null): string | null {
    if (value === null) return null;
    const at = instant(value);
    return Number.isNaN(at) ? value : new Date(at).toISOString();
}

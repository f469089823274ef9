// RFC 3339 instants between the program, the API and what the package writes. Check accepts every
// RFC 3339 spelling (a space or a lower-case t/z, offsets); the API is sent one spelling, the one its
// examples use; what the package writes (outputs, the audit's report) has one spelling of its own.

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

/** RFC 3339 instants only: a date, a time and an offset (Date.parse alone accepts much more). */
export function isRfc3339(value: string): boolean {
    return (
        /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value) &&
        !Number.isNaN(Date.parse(wireDate(value)))
    );
}

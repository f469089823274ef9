// RFC 3339 instants between the program and the API: check accepts every RFC 3339 spelling (a space
// or a lower-case t/z, offsets); the API is sent one spelling, the one its examples use.

/**
 * An RFC 3339 instant as the API's examples spell it: UTC, upper-case T and Z, e.g.
 * 2027-01-01T00:00:00Z. A value that is no date is returned as it is (check refuses it).
 */
export function wireDate(value: string): string {
    const at = Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2})[ t]/, "$1T").toUpperCase());
    return Number.isNaN(at) ? value : new Date(at).toISOString().replace(/\.000Z$/, "Z");
}

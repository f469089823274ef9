// Date helpers: strict RFC 3339 parsing and the calendar arithmetic the API's rules need.
import { randomInt } from "node:crypto";

/**
 * Choice: upper-case T and Z only. RFC 3339 also allows t, z and a space, but the API is a Java
 * service whose ISO date-time parsing is case-sensitive: the stricter reading, so that a client that
 * sends anything else is caught here rather than by the tenant.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month1: number): number {
    return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/**
 * Parses an RFC 3339 date-time (section 5.6: `T` separator, mandatory zone; see RFC3339 above). Returns null for
 * anything else, including dates JavaScript would silently roll over (Feb 30) and leap seconds.
 */
export function parseRfc3339(text: string): Date | null {
    const m = RFC3339.exec(text);
    if (!m) return null;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    if (hour > 23 || minute > 59 || second > 59) return null;
    let offsetMinutes = 0;
    if (!m[8]) {
        const oh = Number(m[10]);
        const om = Number(m[11]);
        if (oh > 23 || om > 59) return null;
        offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, "0")) : 0;
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
    return new Date(utc);
}

/** Adds calendar months in UTC, clamping the day like java.time's plusMonths (Aug 31 + 6 = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
    const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
    const year = Math.floor(total / 12);
    const month0 = total - year * 12;
    const day = Math.min(date.getUTCDate(), daysInMonth(year, month0 + 1));
    return new Date(
        Date.UTC(
            year,
            month0,
            day,
            date.getUTCHours(),
            date.getUTCMinutes(),
            date.getUTCSeconds(),
            date.getUTCMilliseconds(),
        ),
    );
}

/**
 * `created`/`lastUsed` as the real API renders them: microsecond precision. JavaScript clocks stop at
 * milliseconds, so the last three digits are random; clients must not rely on their value.
 */
export function formatMicros(date: Date): string {
    return date.toISOString().replace("Z", `${String(randomInt(1000)).padStart(3, "0")}Z`);
}

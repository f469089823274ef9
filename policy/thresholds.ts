// When a token counts as unused, never used or expiring: one definition for the policy pack's stack
// rules (stack-rules.ts) and `isc-pat audit` (provider/audit/inventory.ts), so that the two never disagree.
// Pure: `now` and the threshold in days are arguments; the defaults are DEFAULTS in config.ts.
import { DEFAULTS } from "./config";
import { addDays, hasPassed, isOlderThan } from "../provider/rules/dates";

/** The audit's thresholds, by default the pack's (`isc-pat audit --help` and the README state them). */
export const AUDIT_DEFAULTS = {
    /** --expiring-days: the pack's sailpoint-pat-expiring-without-rotation days. */
    expiringDays: DEFAULTS.expiringWithoutRotation.days,
    /** --unused-days: the pack's sailpoint-pat-unused days. */
    unusedDays: DEFAULTS.unused.days,
    /** --never-used-days: the pack's sailpoint-pat-never-used days. */
    neverUsedDays: DEFAULTS.neverUsed.days,
};

/** Last used more than `days` ago. */
export function unusedSince(lastUsed: Date, now: Date, days: number): boolean {
    return isOlderThan(lastUsed, now, days);
}

/** Created more than `days` ago (the caller knows it was never used): a token made today is not. */
export function neverUsedSince(created: Date, now: Date, days: number): boolean {
    return isOlderThan(created, now, days);
}

/** Expires within `days`, or has expired. */
export function expiresWithin(expires: Date, now: Date, days: number): boolean {
    return hasPassed(addDays(expires, -days), now);
}

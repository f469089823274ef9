// The stack-level advisories: decisions over a token's outputs in the state (lastUsed, created,
// expirationDate, rotationDueAt), as pure functions of those outputs, the policy's config and `now`.
// A token whose outputs are not known (about to be created or replaced) is never flagged.
import type { DaysConfig } from "./config";
import { type TokenFacts, label, shown } from "./rules";
import { expiresWithin, neverUsedSince, unusedSince } from "./thresholds";
import { hasPassed, isOlderThan } from "../provider/rules/dates";
import { daysBetween, knownInstant } from "./values";

const hasRotation = (props: Record<string, unknown>) =>
    props.rotation !== undefined && props.rotation !== null;

export function unused(token: TokenFacts, config: DaysConfig, now: Date): string | undefined {
    const lastUsed = knownInstant(token.props.lastUsed);
    if (lastUsed === undefined || !unusedSince(lastUsed, now, config.days)) return undefined;
    return `${label(token)}: last used on ${shown(token.props.lastUsed)}, ${daysBetween(lastUsed, now)} days ago (limit: ${config.days} days); if nothing needs it any more, remove it from the program so that pulumi up deletes it.`;
}

export function neverUsed(token: TokenFacts, config: DaysConfig, now: Date): string | undefined {
    // Used, or not known yet; the state stores lastUsed only once used: absent (or null) is never.
    if (token.props.lastUsed != null) return undefined;
    const created = knownInstant(token.props.created);
    if (created === undefined || !neverUsedSince(created, now, config.days)) return undefined;
    return `${label(token)}: created on ${shown(token.props.created)}, ${daysBetween(created, now)} days ago, and never used (limit: ${config.days} days); if nothing needs it, remove it from the program so that pulumi up deletes it.`;
}

export function expiringWithoutRotation(
    token: TokenFacts,
    config: DaysConfig,
    now: Date,
): string | undefined {
    if (hasRotation(token.props)) return undefined;
    const expires = knownInstant(token.props.expirationDate);
    if (expires === undefined || !expiresWithin(expires, now, config.days)) return undefined;
    const when = hasPassed(expires, now)
        ? `expired on ${shown(token.props.expirationDate)}`
        : `expires on ${shown(token.props.expirationDate)}, in ${daysBetween(now, expires)} days (warning from ${config.days} days before)`;
    return `${label(token)}: ${when}, and has no rotation; add rotation: { expiresInDays, rotateBeforeDays } and run pulumi up on a schedule, or set a later expirationDate.`;
}

export function rotationOverdue(token: TokenFacts, config: DaysConfig, now: Date): string | undefined {
    if (!hasRotation(token.props)) return undefined;
    const due = knownInstant(token.props.rotationDueAt);
    if (due === undefined || !isOlderThan(due, now, config.days)) return undefined;
    return `${label(token)}: its rotation was due on ${shown(token.props.rotationDueAt)}, ${daysBetween(due, now)} days ago, and has not happened; run pulumi up (the scheduled up that rotates tokens has not run).`;
}

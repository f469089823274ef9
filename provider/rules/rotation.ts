// Rotation and expiry: when a token must be renewed, and the names and dates of its generations.
// Pure: "now" is always a parameter.
import type { RotationSettings, TokenOutputs } from "./types";

import { addDays, hasPassed, instantMs, wireInstant, writtenInstant } from "./dates";
/**
 * A generation's suffix: its creation time, then a random disambiguator. Names are unique per owner,
 * and two resources may declare one name (other scopes, say) and rotate in the same second: the time
 * alone clashed. The disambiguator also proves a lost create's token ours by its name alone (no other
 * client can know it). Names of generations made before it (time only) still belong to their name.
 */
const GENERATION_SUFFIX = /-(\d{8}T\d{6}Z)(?:-[0-9a-f]{8})?$/;

/** A generation's disambiguator: 8 lowercase hex digits, random per create (create/same-name.ts). */
export const DISAMBIGUATOR = /^[0-9a-f]{8}$/;

/** A rotating token's API-side name: the declared name, its creation time and `disambiguator`. */
export function generationName(name: string, created: Date, disambiguator: string): string {
    if (!DISAMBIGUATOR.test(disambiguator))
        throw new Error(`not a generation disambiguator: ${disambiguator}`);
    const stamp = wireInstant(created).replace(/[-:]/g, "");
    return `${name}-${stamp}-${disambiguator}`;
}

/** The API-side name for a declared name, keeping the current generation's suffix. */
export function apiNameFor(
    name: string,
    rotation: RotationSettings | undefined,
    currentTokenName?: string,
): string {
    if (!rotation) return name;
    const suffix = currentTokenName ? GENERATION_SUFFIX.exec(currentTokenName)?.[0] : undefined;
    return suffix ? `${name}${suffix}` : name;
}

/** Whether an API-side name belongs to a declared name (for a rotating token: with any generation suffix). */
export function isNameOf(tokenName: string, name: string, rotation: RotationSettings | undefined): boolean {
    if (tokenName === name) return true;
    return (
        rotation !== undefined &&
        GENERATION_SUFFIX.test(tokenName) &&
        tokenName.replace(GENERATION_SUFFIX, "") === name
    );
}

/** The expiry of a generation made at `now`, to the second. */
export function rotationExpiry(rotation: RotationSettings, now: Date): string {
    return wireInstant(addDays(now, rotation.expiresInDays));
}

/** From when a generation expiring at `expirationDate` is due for rotation. */
export function rotationDueAt(
    rotation: RotationSettings | undefined,
    expirationDate: string | null,
): string | null {
    if (!rotation || expirationDate == null) return null;
    return writtenInstant(addDays(instantMs(expirationDate), -rotation.rotateBeforeDays));
}

/**
 * Why the token in state must be renewed now, if it must: it has expired (whatever made its
 * expiry), or it has rotation and is inside its window (or never expires, which rotation forbids).
 */
export function renewalReason(
    olds: Partial<TokenOutputs>,
    rotation: RotationSettings | undefined,
    now: Date,
): string | undefined {
    const expiry = olds.expirationDate;
    if (expiry != null && hasPassed(expiry, now)) {
        return `the token expired on ${expiry}; an expired token is useless, so it is replaced`;
    }
    if (!rotation) return undefined;
    if (expiry == null)
        return "the token never expires, and rotation wants every token to expire: it is replaced";
    const due = rotationDueAt(rotation, expiry) as string;
    if (hasPassed(due, now)) {
        return `the token expires on ${expiry}, inside the ${rotation.rotateBeforeDays}-day rotation window (due since ${due}): it is rotated, the new token first`;
    }
    return undefined;
}

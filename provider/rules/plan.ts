// diff() and update(): which properties change, whether that replaces the token, and the JSON Patch
// that applies an in-place change. Pure functions of (old outputs, new inputs, now): rotation and
// passed dates depend on the time, which is always an argument.
import type { ApiVersion, JsonPatchReplace } from "../../wire/api-types";
import { hasPassed, wireDate } from "./dates";
import { sameInstant, sameScope } from "./equality";
import { expiryOwner } from "./outputs";
import { overlapDaysOf } from "./overlap";
import { apiNameFor, renewalReason } from "./rotation";
import { isUnknown, type CheckedInputs, type RotationSettings, type TokenOutputs } from "./types";
import {
    DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
    DEFAULT_SCOPE,
    hasModernExpiry,
    isApiVersion,
} from "./versions";

export interface DiffPlan {
    /** Whether anything changes at all. */
    changes: boolean;
    /** Properties that change in place (one PATCH). */
    updates: string[];
    /** Properties whose change makes a new token. */
    replaces: string[];
    /**
     * The old token goes before the new one is made: a replacement that keeps the name of a token
     * that no longer works (expired, or its secret is not in the state) has nothing to keep alive.
     */
    deleteBeforeReplace: boolean;
    /**
     * A replacement that keeps the name of a token that works: the new token comes first, so the
     * old one is first moved to an interim name (names are unique per owner; create/same-name.ts).
     */
    movesOldAside?: true;
    /** Why the token is renewed although its inputs may be unchanged: expiry or rotation. */
    renewal?: string;
}

type OldState = Partial<TokenOutputs>;

/**
 * Decides what an update of `olds` (the outputs in state) to `news` (checked inputs) does at `now`:
 * an expired token, or a rotating one inside its window, is renewed even if nothing else changed.
 * Any input, or any part of one, may be the engine's unknown placeholder during preview: then the
 * plan lists what may change (a replacement where the unknown value could cause one), never throws.
 */
export function planDiff(olds: OldState, news: CheckedInputs, now: Date): DiffPlan {
    const version = news.apiVersion;
    // An unknown version may be an older one: assume the stricter behaviour (an expiry change replaces).
    const modern = isApiVersion(version) && hasModernExpiry(version);
    const updates: string[] = [];
    const replaces: string[] = [];
    const rotation = news.rotation;

    if (isUnknown(news.name) || olds.name !== news.name || apiNameChanges(olds, news)) updates.push("name");
    if (!sameScope(olds.scope, news.scope)) updates.push("scope");
    if (isUnknown(rotation)) {
        // It may turn out to be absent, and then the declared expiry applies too.
        updates.push("rotation");
        if (expiryChanged(olds, news)) (modern ? updates : replaces).push("expirationDate");
    } else if (expiryOwner(news) === "rotation") {
        // Changing rotation's settings takes effect from the next generation.
        if (!sameRotation(olds.rotation, rotation)) updates.push("rotation");
    } else if (expiryChanged(olds, news)) {
        (modern ? updates : replaces).push("expirationDate");
    } else if (olds.rotation) {
        updates.push("rotation");
    }
    const expiry = expiryState(olds, news, now);
    let renewal: string | undefined;
    if (expiry === "stale") {
        // A declared date that has passed is the user's to change: renewing would ask the API for a
        // token that expired already. The token stays as it is; diff warns (see staleExpiryWarning).
    } else if (isUnknown(rotation) || (rotation != null && isUnknown(rotation.rotateBeforeDays))) {
        // Whether the token is inside its window depends on what is not known yet: it may be rotated.
        replaces.push("rotation");
    } else {
        renewal = renewalReason(olds, rotation, now);
        if (renewal && !replaces.includes("expirationDate")) replaces.push("expirationDate");
    }
    // A token whose secret our create lost is useless: make a new one. An adopted token is someone's
    // working credential: it is kept unless the program opts in to its replacement.
    const optIn = news.replaceIfSecretUnknown === true || isUnknown(news.replaceIfSecretUnknown);
    if (!olds.secret && (!olds.adoptTokenId || optIn)) replaces.push("secret");
    // The adoption settings change nothing at the API; an update records them.
    if ((olds.onNameConflict ?? "fail") !== (news.onNameConflict ?? "fail")) updates.push("onNameConflict");
    if ((olds.replaceIfSecretUnknown ?? false) !== (news.replaceIfSecretUnknown ?? false))
        updates.push("replaceIfSecretUnknown");
    if (acknowledgmentChanged(olds, news, version)) {
        updates.push("userAwareTokenNeverExpires");
    }
    if (validity(olds.accessTokenValiditySeconds) !== validity(news.accessTokenValiditySeconds)) {
        replaces.push("accessTokenValiditySeconds");
    }

    const replacing = replaces.length > 0;
    // A rotating token's generations carry different API-side names: the new one can come first.
    // (An unknown rotation counts as rotating: the preview shows the order, the up decides it again.)
    const keepsApiName = !updates.includes("name") && !rotation;
    const movesOldAside = replacing && keepsApiName && stillWorks(olds, now);
    return {
        changes: updates.length > 0 || replacing,
        updates,
        replaces,
        deleteBeforeReplace: replacing && keepsApiName && !movesOldAside,
        ...(movesOldAside ? { movesOldAside } : {}),
        ...(renewal ? { renewal } : {}),
    };
}

/** Whether the token in state is one its consumers can use: not expired, its secret in the state. */
function stillWorks(olds: OldState, now: Date): boolean {
    const expired = olds.expirationDate != null && hasPassed(olds.expirationDate, now);
    return typeof olds.secret === "string" && olds.secret !== "" && !isUnknown(olds.secret) && !expired;
}

/**
 * The warning for a token whose declared `expirationDate` has passed while it stayed unchanged in
 * the program: the stack goes on (check and diff pass), the token no longer works.
 */
export function staleExpiryWarning(olds: OldState, news: CheckedInputs, now: Date): string | undefined {
    if (expiryState(olds, news, now) !== "stale") return undefined;
    const how =
        isApiVersion(news.apiVersion) && hasModernExpiry(news.apiVersion) ? "updated in place" : "replaced";
    return `warning: the token expired on ${String(olds.expirationDate)} and no longer works; its expirationDate is declared, so it is not renewed. Set a later expirationDate (or use rotation) and run pulumi up: the token is then ${how}`;
}

/**
 * "stale": the token in state has expired at a date the program still declares (unchanged).
 * Rotation and the API's default dates are renewed instead (renewalReason).
 */
function expiryState(olds: OldState, news: CheckedInputs, now: Date): "stale" | undefined {
    const declared = news.expirationDate;
    if (expiryOwner(news) !== "input" || isUnknown(declared) || olds.expirationDate == null) return undefined;
    const passed = hasPassed(olds.expirationDate, now);
    return passed && sameInstant(olds.expirationDate, declared) ? "stale" : undefined;
}

/**
 * Whether the name at the API must change although the declared name did not: when rotation is
 * turned off, the generation suffix goes in the same update (see apiNameFor).
 */
function apiNameChanges(olds: OldState, news: CheckedInputs): boolean {
    if (olds.tokenName === undefined || isUnknown(news.rotation) || isUnknown(news.name)) return false;
    return apiNameFor(news.name, news.rotation, olds.tokenName) !== olds.tokenName;
}

/** The JSON Patch for the in-place part of a plan: `replace` operations for exactly what changed. */
export function planPatch(olds: OldState, news: CheckedInputs, now: Date): JsonPatchReplace[] {
    const plan = planDiff(olds, news, now);
    // The engine chose an update from an earlier diff; a renewal that fell due since waits for the next up.
    if (plan.replaces.some((p) => p !== "expirationDate" || !plan.renewal)) {
        throw new Error(`cannot update ${plan.replaces.join(", ")} in place; the token must be replaced`);
    }
    const ops: JsonPatchReplace[] = [];
    if (plan.updates.includes("name")) {
        ops.push({
            op: "replace",
            path: "/name",
            value: apiNameFor(news.name, news.rotation, olds.tokenName),
        });
    }
    // The documented patch value is a list; the default scope is sent rather than null.
    if (plan.updates.includes("scope"))
        ops.push({ op: "replace", path: "/scope", value: news.scope ?? [...DEFAULT_SCOPE] });
    const expiry = news.expirationDate ?? null;
    if (plan.updates.includes("expirationDate")) {
        ops.push({
            op: "replace",
            path: "/expirationDate",
            value: expiry === null ? null : wireDate(expiry),
        });
    }
    // Clearing the expiry needs the acknowledgment in the same request.
    const acknowledge = expiry === null ? true : (news.userAwareTokenNeverExpires ?? false);
    if (
        plan.updates.includes("userAwareTokenNeverExpires") ||
        (plan.updates.includes("expirationDate") && expiry === null)
    ) {
        ops.push({ op: "replace", path: "/userAwareTokenNeverExpires", value: acknowledge });
    }
    return ops;
}

function sameRotation(a: RotationSettings | undefined, b: RotationSettings | undefined): boolean {
    if (isUnknown(a) || isUnknown(b)) return false;
    return (
        a?.expiresInDays === b?.expiresInDays &&
        a?.rotateBeforeDays === b?.rotateBeforeDays &&
        // An overlap change takes effect at the next rotation; an update records it.
        !isUnknown(b?.overlapDays) &&
        overlapDaysOf(a) === overlapDaysOf(b)
    );
}

function expiryChanged(olds: OldState, news: CheckedInputs): boolean {
    if (isUnknown(news.expirationDate)) return true;
    // On the older versions an omitted date means "the API's default", which the token already has.
    if (news.expirationDate == null && !hasModernExpiry(news.apiVersion)) return false;
    return !sameInstant(olds.expirationDate, news.expirationDate);
}

/**
 * The acknowledgment matters only on its own when a date is set too (with no date it follows
 * the date: see planPatch). The state stores it only when true: absent is false (rules/stored.ts).
 */
function acknowledgmentChanged(olds: OldState, news: CheckedInputs, version: ApiVersion): boolean {
    if (isUnknown(news.userAwareTokenNeverExpires)) return true;
    if (!hasModernExpiry(version) || news.expirationDate == null) return false;
    return (olds.userAwareTokenNeverExpires === true) !== (news.userAwareTokenNeverExpires === true);
}

function validity(value: number | null | undefined): number | string {
    if (isUnknown(value)) return "unknown";
    return value ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS;
}

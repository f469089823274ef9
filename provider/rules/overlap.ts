// rotation.overlapDays: until when the generation a rotation replaces keeps working, how each API
// version makes it stop on time, and what a preview says when the overlap cannot be honoured as
// declared. Pure: `now` is always a parameter.
import type { ApiVersion, JsonPatchReplace } from "../../wire/api-types";
import { addDays, hasPassed, instantMs, wireDate, writtenInstant } from "./dates";
import { isUnknown, type PreviousGeneration, type RotationSettings, type TokenOutputs } from "./types";
import { hasModernExpiry, isApiVersion } from "./versions";

/** The declared overlap in days: 0 when absent, or not known yet (preview). */
export function overlapDaysOf(rotation: RotationSettings | null | undefined): number {
    if (rotation == null || isUnknown(rotation)) return 0;
    return typeof rotation.overlapDays === "number" ? rotation.overlapDays : 0;
}

/**
 * The outgoing generation `id` (whose outputs are `olds`) after a rotation at `now`: it works
 * `overlapDays` more, at most until its own expiry. Undefined when nothing overlaps: 0 days, or the
 * token has expired (or its expiry is not a date).
 */
export function previousGenerationAfter(
    id: string,
    olds: Partial<TokenOutputs>,
    overlapDays: number,
    now: Date,
): PreviousGeneration | undefined {
    if (!(overlapDays > 0)) return undefined;
    const declared = addDays(now, overlapDays).getTime();
    const own = olds.expirationDate == null ? Number.POSITIVE_INFINITY : instantMs(olds.expirationDate);
    const until = Math.min(declared, own);
    if (!(until > now.getTime())) return undefined;
    return { id, tokenName: olds.tokenName ?? olds.name ?? id, worksUntil: writtenInstant(until) };
}

/** Whether the overlap is over at `now`: the first up from then on deletes the previous generation. */
export function overlapEnded(previous: PreviousGeneration, now: Date): boolean {
    return hasPassed(previous.worksUntil, now);
}

/**
 * How the outgoing token is made to stop at worksUntil: v2025/v2026/v1 bring its expiry forward (one
 * PATCH; none when it expires by then anyway). beta/v3/v2024 cannot change an expiry: nothing is sent,
 * and the first up after worksUntil deletes it.
 */
export function expiryPatchFor(
    version: ApiVersion,
    ownExpiry: string | null | undefined,
    previous: PreviousGeneration,
): JsonPatchReplace[] {
    if (!hasModernExpiry(version)) return [];
    if (ownExpiry != null && !(instantMs(ownExpiry) > instantMs(previous.worksUntil))) return [];
    return [{ op: "replace", path: "/expirationDate", value: wireDate(previous.worksUntil) }];
}

/** A generation as messages name it. */
export function describeGeneration(previous: Pick<PreviousGeneration, "id" | "tokenName">): string {
    return `${previous.id} (${JSON.stringify(previous.tokenName)})`;
}

/**
 * What the preview of a replacement says about the overlap: an older generation still in its overlap
 * (ended first, so that no more than two work at once), an overlap the outgoing token's own expiry
 * cuts short, one an older API version cannot end on time, and until when the outgoing token works.
 */
export function rotationOverlapNotices(
    id: string,
    olds: Partial<TokenOutputs>,
    rotation: RotationSettings | null | undefined,
    version: unknown,
    now: Date,
): string[] {
    const notices: string[] = [];
    const older = olds.previousGeneration;
    if (older && overlapEnded(older, now)) notices.push(overlapEndNotice(older));
    else if (older) {
        notices.push(
            `the previous generation ${describeGeneration(older)} is still in its overlap (until ${older.worksUntil}): it is deleted before the new token is made, so that no more than two generations work at once`,
        );
    }
    const days = overlapDaysOf(rotation);
    if (days === 0) return notices;
    const previous = previousGenerationAfter(id, olds, days, now);
    if (!previous) {
        notices.push(
            `the outgoing token ${id} has expired: rotation.overlapDays (${days}) cannot keep it working, so it is deleted`,
        );
        return notices;
    }
    const outgoing = `the outgoing token ${describeGeneration(previous)}`;
    const declared = writtenInstant(addDays(now, days));
    const legacy = isApiVersion(version) && !hasModernExpiry(version);
    if (instantMs(previous.worksUntil) < instantMs(declared)) {
        notices.push(
            `${outgoing} expires on ${String(olds.expirationDate)}, before rotation.overlapDays (${days}) would end (${declared}): it keeps working only until then`,
        );
    } else if (legacy) {
        notices.push(
            `apiVersion ${String(version)} cannot change a token's expiry: ${outgoing} keeps working (until its own expiry, ${String(olds.expirationDate)}) until the first pulumi up after ${previous.worksUntil} deletes it; run pulumi up daily to end the overlap on time`,
        );
    } else {
        notices.push(
            `${outgoing} keeps working until ${previous.worksUntil} (rotation.overlapDays ${days}): its expiry is brought forward to then, and output previousGeneration names it`,
        );
    }
    return notices;
}

/** What the up that ends an overlap says. */
export function overlapEndNotice(previous: PreviousGeneration): string {
    return `the overlap of the previous generation ${describeGeneration(previous)} ended at ${previous.worksUntil}: this up deletes it`;
}

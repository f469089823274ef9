// When two values mean the same to the API: scopes as sets (omitted or null is sp:scopes:all), dates
// as instants. Shared by planning (what changed), outputs (keep the declared spelling) and the
// lost-create judgement (is this the token we asked for).
import { instantMs } from "./dates";
import { isUnknown } from "./types";
import { DEFAULT_SCOPE } from "./versions";

/** Scopes compare as sets; omitted or null means ["sp:scopes:all"]. */
export function sameScope(
    a: readonly string[] | null | undefined,
    b: readonly string[] | null | undefined,
): boolean {
    if (isUnknown(a) || isUnknown(b) || (b ?? []).some(isUnknown)) return false;
    const left = new Set(a ?? DEFAULT_SCOPE);
    const right = new Set(b ?? DEFAULT_SCOPE);
    return left.size === right.size && [...left].every((s) => right.has(s));
}

/** Dates compare as instants: "2099-01-01T00:00:00Z" equals "2099-01-01T01:00:00+01:00". */
export function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
    if (a == null || b == null) return a == null && b == null;
    return instantMs(a) === instantMs(b);
}

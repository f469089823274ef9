// What a policy sees of a token: the engine's properties as plain data, with every value that is
// not known yet (during preview) replaced by one marker, so that decisions can skip it instead of
// tripping @pulumi/policy's unknown-checking proxy (which would turn each access into a warning).
import { DAY_MS, instantOf } from "../provider/rules/dates";
import { INPUT_NAMES, OUTPUT_ONLY_NAMES, UNKNOWN } from "../provider/rules/types";

/** Stands for a value the engine does not know yet. */
export const UNKNOWN_VALUE: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN_VALUE;

/** The engine's placeholders for unknown values, one per type (@pulumi/policy's proxy.ts lists them). */
export const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    UNKNOWN, // string (the one the Go engine sends for all; provider/rules/types.ts)
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknownValue(value: unknown): value is Unknown {
    return value === UNKNOWN_VALUE || (typeof value === "string" && UNKNOWN_SENTINELS.has(value));
}

/**
 * A deep copy of `props` as plain JSON-like data, unknowns replaced by UNKNOWN_VALUE. Reads through
 * @pulumi/policy's unknown-checking proxy without triggering it, and without its internals: the
 * proxy traps only `get`, so keys and own-property descriptors come from the target untouched.
 * Should a later proxy trap those too and throw, the value read counts as unknown (and props that
 * cannot be listed at all, as all unknown): never a violation.
 */
export function plainProps(props: unknown): Record<string, unknown> {
    try {
        const value = props !== null && typeof props === "object" ? copy(props) : undefined;
        return value !== undefined && !Array.isArray(value) ? value : {};
    } catch {
        return Object.fromEntries([...INPUT_NAMES, ...OUTPUT_ONLY_NAMES].map((k) => [k, UNKNOWN_VALUE]));
    }
}

function plain(value: unknown): unknown {
    if (isUnknownValue(value)) return UNKNOWN_VALUE;
    if (value === null || typeof value !== "object") return value;
    try {
        return copy(value);
    } catch {
        return UNKNOWN_VALUE;
    }
}

/** One level of `value` copied (Reflect.ownKeys and descriptors: no `get`), each entry by plain(). */
function copy(value: object): unknown[] | Record<string, unknown> {
    const keys = Reflect.ownKeys(value).filter((k): k is string => typeof k === "string");
    const read = (key: string): unknown => {
        try {
            return plain(Object.getOwnPropertyDescriptor(value, key)?.value);
        } catch {
            return UNKNOWN_VALUE;
        }
    };
    if (Array.isArray(value)) {
        return keys.filter((k) => /^(0|[1-9]\d*)$/.test(k)).map(read);
    }
    return Object.fromEntries(keys.map((k) => [k, read(k)]));
}

/** A known string, or undefined (absent, null, unknown, another type). */
export function knownString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknownValue(value) ? value : undefined;
}

/** A known finite number, or undefined. */
export function knownNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** An instant from a known RFC 3339 string, or undefined when unknown, absent or no RFC 3339 date-time. */
export function knownInstant(value: unknown): Date | undefined {
    const text = knownString(value);
    if (text === undefined) return undefined;
    const date = instantOf(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
}

export { DAY_MS };

/** Whole days from `from` to `to` (negative when `to` is earlier), rounded down. */
export function daysBetween(from: Date, to: Date): number {
    return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

// The per-version facts of the PAT API: where the collection lives and how expiry behaves.
import type { ApiVersion } from "../../wire/api-types";
import { DAY_MS } from "./dates";

/** What differs between the API versions, one row each: a new version is one row here (and schema.json's enum). */
interface VersionFacts {
    /**
     * v2025 and later (and the per-resource v1) allow never-expiring tokens and patching the expiry;
     * the older versions cap expiry at 6 months and default to it.
     */
    modernExpiry: boolean;
}

/** The versions in the order messages list them (schema.json's enum; test/unit/versions.test.ts). */
export const VERSION_FACTS = {
    beta: { modernExpiry: false },
    v3: { modernExpiry: false },
    v2024: { modernExpiry: false },
    v2025: { modernExpiry: true },
    v2026: { modernExpiry: true },
    v1: { modernExpiry: true },
} as const satisfies Record<ApiVersion, VersionFacts>;

export const API_VERSIONS = Object.keys(VERSION_FACTS) as readonly ApiVersion[];
/** The versions with modern expiry, and the older ones (6-month expiry). */
export const MODERN_VERSIONS = API_VERSIONS.filter((v) => VERSION_FACTS[v].modernExpiry);
export const LEGACY_VERSIONS = API_VERSIONS.filter((v) => !VERSION_FACTS[v].modernExpiry);

/** "a, b or c", as messages name a choice of versions. */
export function orList(versions: readonly string[]): string {
    return versions.length < 2
        ? versions.join("")
        : `${versions.slice(0, -1).join(", ")} or ${versions.at(-1)}`;
}

/** Every version, as the messages that refuse another name them: "beta, v3, v2024, v2025, v2026, v1". */
export const API_VERSIONS_TEXT = API_VERSIONS.join(", ");
/** The versions with modern expiry, as the messages that suggest one name them: "v2025, v2026 or v1". */
export const MODERN_VERSIONS_TEXT = orList(MODERN_VERSIONS);

/**
 * The one wording of a value that is not an API version, after its subject ("apiVersion …",
 * "--api-version …"): the versions it may be, and what it was.
 */
export function notAVersion(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return `must be one of ${API_VERSIONS_TEXT}, got ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`;
}

export const DEFAULT_API_VERSION: ApiVersion = "v1";

/** The default and largest lifetime of minted bearer tokens. */
export const DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS = 43200;

/** What `scope: null` (or omitted) means to the API. */
export const DEFAULT_SCOPE: readonly string[] = ["sp:scopes:all"];

export function isApiVersion(value: unknown): value is ApiVersion {
    return typeof value === "string" && (API_VERSIONS as readonly string[]).includes(value);
}

/** See VersionFacts.modernExpiry; false for what is no version (an unknown at preview). */
export function hasModernExpiry(version: ApiVersion): boolean {
    return isApiVersion(version) && VERSION_FACTS[version].modernExpiry;
}

/** The collection path, relative to the base URL. */
export function collectionPath(version: ApiVersion): string {
    return version === "v1" ? "personal-access-tokens/v1" : `${version}/personal-access-tokens`;
}

export function itemPath(version: ApiVersion, id: string): string {
    return `${collectionPath(version)}/${encodeURIComponent(id)}`;
}

/** A day: the margin kept below the older versions' 6-month limit. */
const LEGACY_MARGIN_MS = DAY_MS;

/**
 * The latest expiry check accepts on the older versions. The API says "6 months ahead" without its
 * arithmetic: calendar months clamped to the month's end (31 August + 6 months = 28/29 February, not
 * 2/3 March), less a day of margin for the unknown rounding and for the API's clock running ahead.
 */
export function legacyExpiryLimit(now: Date): Date {
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth() + 6;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const sixMonths = Date.UTC(
        year,
        month,
        Math.min(now.getUTCDate(), lastDay),
        now.getUTCHours(),
        now.getUTCMinutes(),
        now.getUTCSeconds(),
        now.getUTCMilliseconds(),
    );
    return new Date(sixMonths - LEGACY_MARGIN_MS);
}

/**
 * The most days `rotation.expiresInDays` may be on the older versions: 6 months are at least 181
 * days (31 August to 28 February), less the same day of margin.
 */
export const LEGACY_MAX_EXPIRES_IN_DAYS = 180;

// The per-version facts of the PAT API: where the collection lives and how expiry behaves.
import type { ApiVersion } from "../../wire/api-types";
import { DAY_MS } from "./dates";

export const API_VERSIONS: readonly ApiVersion[] = ["beta", "v3", "v2024", "v2025", "v2026", "v1"];

export const DEFAULT_API_VERSION: ApiVersion = "v1";

/** The default and largest lifetime of minted bearer tokens. */
export const DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS = 43200;

/** What `scope: null` (or omitted) means to the API. */
export const DEFAULT_SCOPE: readonly string[] = ["sp:scopes:all"];

export function isApiVersion(value: unknown): value is ApiVersion {
    return typeof value === "string" && (API_VERSIONS as readonly string[]).includes(value);
}

/**
 * v2025 and later (and the per-resource v1) allow never-expiring tokens and patching the expiry;
 * the older versions cap expiry at 6 months and default to it.
 */
export function hasModernExpiry(version: ApiVersion): boolean {
    return version === "v2025" || version === "v2026" || version === "v1";
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

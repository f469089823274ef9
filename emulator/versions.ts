// The API versions that serve personal access tokens and how they differ.
import type { ApiVersion } from "../wire/api-types";

export const API_VERSIONS: readonly ApiVersion[] = ["beta", "v3", "v2024", "v2025", "v2026", "v1"];

/**
 * beta, v3 and v2024: expiry defaults to and is capped at 6 months, there is no never-expiring token
 * and no `userAwareTokenNeverExpires` field. v2025, v2026 and v1 have the acknowledgment field.
 */
export function isLegacy(version: ApiVersion): boolean {
    return version === "beta" || version === "v3" || version === "v2024";
}

/** The collection path: `/{version}/personal-access-tokens`, or `/personal-access-tokens/v1`. */
export function collectionPath(version: ApiVersion): string {
    return version === "v1" ? "/personal-access-tokens/v1" : `/${version}/personal-access-tokens`;
}

export function patchablePaths(version: ApiVersion): readonly string[] {
    return isLegacy(version)
        ? ["/name", "/scope"]
        : ["/name", "/scope", "/expirationDate", "/userAwareTokenNeverExpires"];
}

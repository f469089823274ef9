// A stored token as each API version shows it.
import type { ApiVersion, TokenRecord } from "../wire/api-types";
import type { StoredToken } from "./store";
import { isLegacy } from "./versions";

export function renderToken(token: StoredToken, ownerName: string, version: ApiVersion): TokenRecord {
    const record: TokenRecord = {
        id: token.id,
        name: token.name,
        scope: token.scope === null ? null : [...token.scope],
        owner: { type: "IDENTITY", id: token.ownerId, name: ownerName },
        created: token.created,
        lastUsed: token.lastUsed,
        managed: token.managed,
        accessTokenValiditySeconds: token.accessTokenValiditySeconds,
        expirationDate: token.expirationDate,
    };
    // beta/v3/v2024 do not have the acknowledgment field at all.
    if (!isLegacy(version)) record.userAwareTokenNeverExpires = token.userAwareTokenNeverExpires;
    return record;
}

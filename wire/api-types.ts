// Wire types of the ISC personal-access-token API: the contract between the provider's client and
// the emulator, in a neutral module that both import (the emulator depends on nothing else of ours).
// Types only: importing this file pulls in no code.

/** The API versions that serve personal access tokens. `v1` is the per-resource versioned path. */
export type ApiVersion = "beta" | "v3" | "v2024" | "v2025" | "v2026" | "v1";

export interface TokenOwner {
    type: "IDENTITY";
    id: string;
    name: string;
}

/** A token as the list and patch responses return it. */
export interface TokenRecord {
    id: string;
    name: string;
    scope: string[] | null;
    owner: TokenOwner;
    created: string;
    lastUsed: string | null;
    managed: boolean;
    accessTokenValiditySeconds: number;
    expirationDate: string | null;
    /** Present on v2025, v2026 and v1 only. */
    userAwareTokenNeverExpires?: boolean | null;
}

/** The create response: the record plus the secret, returned this one time only. */
export interface CreatedTokenRecord extends TokenRecord {
    secret: string;
}

export interface CreateTokenRequest {
    name: string;
    scope?: string[] | null;
    accessTokenValiditySeconds?: number | null;
    expirationDate?: string | null;
    userAwareTokenNeverExpires?: boolean | null;
}

export interface JsonPatchReplace {
    op: "replace";
    path: "/name" | "/scope" | "/expirationDate" | "/userAwareTokenNeverExpires";
    value: unknown;
}

export interface ErrorMessage {
    locale: string;
    localeOrigin: string;
    text: string;
}

/** The error body of 400, 403, 404 and 500 responses. */
export interface ErrorResponseDto {
    detailCode: string;
    trackingId: string;
    messages: ErrorMessage[];
    causes: unknown[];
}

/** The 401 body. */
export interface UnauthorizedBody {
    error: string;
}

/** The 429 body (note the spaces, as the API sends them). */
export interface RateLimitBody {
    message: string;
}

export interface OAuthTokenResponse {
    access_token: string;
    token_type: "bearer";
    expires_in: number;
    scope: string;
    tenant_id: string;
    identity_id: string;
    [extra: string]: unknown;
}

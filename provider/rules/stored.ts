// The outputs as the state stores them: lean. A value the API's default or the other outputs already
// say is left out, and absent means that value. Every reader of a stored output that may be absent
// goes through these; a state written before (with every value) reads the same. Pure.
import type { ApiVersion } from "../../wire/api-types";
import type { ExpirationDateSource, TokenOutputs } from "./types";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, DEFAULT_API_VERSION } from "./versions";

type Stored = Partial<TokenOutputs>;

/** The API version a stored token was made with: absent is v1 (the package's default, not the setting). */
export function versionOf(state: Stored): ApiVersion {
    return state.apiVersion ?? DEFAULT_API_VERSION;
}

/** Where expirationDate comes from, when the state does not say: rotation, else never, else the input. */
function impliedExpirySource(state: Stored): ExpirationDateSource {
    if (state.rotation != null) return "rotation";
    return state.expirationDate == null ? "neverExpires" : "input";
}

export function expirySourceOf(state: Stored): ExpirationDateSource {
    return state.expirationDateSource ?? impliedExpirySource(state);
}

/** Whether `secret` holds the token's secret: absent is true (false is stored, for an adopted token). */
export function secretKnownOf(state: { secretKnown?: boolean }): boolean {
    return state.secretKnown ?? true;
}

/**
 * The outputs without what absent already means: apiVersion v1, accessTokenValiditySeconds 43200,
 * lastUsed null, managed false, secretKnown true, userAwareTokenNeverExpires false, and the
 * expirationDateSource the other outputs imply. Only an output that differs is stored.
 */
export function leanOutputs(outputs: TokenOutputs): TokenOutputs {
    const lean: TokenOutputs = { ...outputs };
    if (lean.apiVersion === DEFAULT_API_VERSION) delete lean.apiVersion;
    if (lean.accessTokenValiditySeconds === DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS)
        delete lean.accessTokenValiditySeconds;
    if (lean.lastUsed === null) delete lean.lastUsed;
    if (lean.managed === false) delete lean.managed;
    if (lean.secretKnown === true) delete lean.secretKnown;
    if (lean.userAwareTokenNeverExpires === false) delete lean.userAwareTokenNeverExpires;
    if (lean.expirationDateSource === impliedExpirySource(lean)) delete lean.expirationDateSource;
    return lean;
}

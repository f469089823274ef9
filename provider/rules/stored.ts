// The outputs as the state stores them: lean. A value the API's default or the other outputs already
// say is left out, and absent means that value. Every reader of a stored output that may be absent
// goes through these; a state written before (with every value) reads the same. Pure.
import type { ApiVersion } from "../../wire/api-types";
import type { CheckedInputs, ExpirationDateSource, TokenInputs, TokenOutputs } from "./types";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, DEFAULT_API_VERSION } from "./versions";

type Stored = Partial<TokenOutputs>;

/**
 * The API version stored outputs or checked inputs name: absent is v1 (the package's default, not the
 * setting: check resolved the setting already, and stores a version other than v1).
 */
export function versionOf(state: { apiVersion?: ApiVersion }): ApiVersion {
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

/**
 * The inputs as check returns them, which the engine stores and hands to diff, create and update: the
 * resolved apiVersion only when it is not v1 (absent means v1, as in the outputs). A v1 declared in
 * the program is left out too: it means the same.
 */
export function leanInputs(inputs: CheckedInputs): TokenInputs {
    if (inputs.apiVersion !== DEFAULT_API_VERSION) return inputs;
    const { apiVersion: _v1, ...lean } = inputs;
    return lean;
}

/** Inputs that came through check (lean, or with every value, as an earlier version stored them). */
export function checkedFrom<T extends { apiVersion?: ApiVersion }>(
    inputs: T,
): T & { apiVersion: ApiVersion } {
    return { ...inputs, apiVersion: versionOf(inputs) };
}

// The package's entry point.
export { PersonalAccessToken, type PersonalAccessTokenArgs } from "./resource";
export { PersonalAccessTokenProvider, type ProviderOptions } from "./provider";
export { IscApiError, AmbiguousOutcomeError, ConfigurationError, TokenInitializationError } from "./errors";
export { validateInputs, type CheckFailure, type ValidationResult } from "./validate";
export { planDiff, planPatch, type DiffPlan } from "./plan";
export type {
    CheckedInputs,
    TokenInputs,
    TokenOutputs,
    ExpirationDateSource,
    RotationSettings,
} from "./types";
export type * from "../wire/api-types";
// The token-hygiene policies, for an organisation's own policy pack (the ready pack is in policy/).
export * from "../policy/index";

// The package's entry point.
export { PersonalAccessToken, type PersonalAccessTokenArgs } from "./dynamic/resource";
export { PersonalAccessTokenProvider, type ProviderOptions } from "./dynamic/provider";
export {
    IscApiError,
    AmbiguousOutcomeError,
    ConfigurationError,
    TokenInitializationError,
} from "./isc-client/errors";
export { validateInputs, type CheckFailure, type ValidationResult } from "./rules/validate";
export { planDiff, planPatch, type DiffPlan } from "./rules/plan";
export type {
    CheckedInputs,
    TokenInputs,
    TokenOutputs,
    ExpirationDateSource,
    RotationSettings,
} from "./rules/types";
export type * from "../wire/api-types";
// The token-hygiene policies, for an organisation's own policy pack (the ready pack is in policy/).
export * from "../policy/index";

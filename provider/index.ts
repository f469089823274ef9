// The package's entry point. The token-hygiene policies are its "./policy" export (package.json).
export { PersonalAccessToken, type PersonalAccessTokenArgs } from "./dynamic/resource";
export { PersonalAccessTokenProvider } from "./dynamic/provider";
export type { ProviderOptions } from "./lifecycle/provider";
export {
    IscApiError,
    AmbiguousOutcomeError,
    ConfigurationError,
    TokenInitializationError,
} from "./isc-client/errors";
export { InvalidRequestError } from "./isc-client/records";
export { AdoptionError } from "./create/adopt";
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

// The policies for composition into an organisation's own pack:
//   new PolicyPack("acme", { policies: [...tokenHygienePolicies(), ...others] })
// (the package's "@isc-pat/pulumi-sailpoint-pat/policy" export). The ready pack is pack.ts.
export {
    NATIVE_PERSONAL_ACCESS_TOKEN_TYPE,
    PERSONAL_ACCESS_TOKEN_TYPE,
    tokenHygienePolicies,
    type TokenPolicyOptions,
} from "./policies";
export {
    DEFAULTS as POLICY_DEFAULTS,
    POLICY_IDS,
    type DaysConfig,
    type LeastPrivilegeConfig,
    type MaximumLifetimeConfig,
    type MintedBearerLifetimeConfig,
    type NamingConfig,
} from "./config";
export * as tokenRules from "./rules";
export * as tokenStackRules from "./stack-rules";

// The policies as @pulumi/policy objects, for the shipped pack (pack.ts) and for an organisation's
// own pack (exported from the package). They match this package's tokens by their type token (the
// dynamic resource's or the native plugin's) and hand plain data to the pure decisions in rules.ts
// and stack-rules.ts. Only types come from @pulumi/policy, so importing this module starts nothing.
import type {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { DEFAULTS, POLICY_IDS, type DaysConfig } from "./config";
import * as rules from "./rules";
import * as stackRules from "./stack-rules";
import { plainProps } from "./values";
import { systemNow } from "../provider/rules/clock";
import {
    isPersonalAccessTokenType,
    NATIVE_PERSONAL_ACCESS_TOKEN_TYPE,
    PERSONAL_ACCESS_TOKEN_TYPE,
} from "../provider/rules/types";

export { NATIVE_PERSONAL_ACCESS_TOKEN_TYPE, PERSONAL_ACCESS_TOKEN_TYPE };

export interface TokenPolicyOptions {
    /** The clock of the decisions that depend on the time (default: the system clock). */
    now?: () => Date;
}

type Decide<C> = (token: rules.TokenFacts, config: C, now: Date) => string | undefined;

/** getConfig() holds what --policy-pack-config set, with the schema's defaults; fill any gap. */
function configOf<C extends object>(defaults: C, args: { getConfig<T extends object>(): T }): C {
    return { ...defaults, ...args.getConfig<Partial<C>>() };
}

function resourcePolicy<C extends object>(
    policy: Omit<ResourceValidationPolicy, "validateResource">,
    defaults: C,
    decide: Decide<C>,
    now: () => Date,
): ResourceValidationPolicy {
    return {
        ...policy,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (!isPersonalAccessTokenType(args.type)) return;
            const message = decide(
                { resource: args.name, props: plainProps(args.props) },
                configOf(defaults, args),
                now(),
            );
            if (message !== undefined) report(message);
        },
    };
}

function stackPolicy(
    policy: Omit<StackValidationPolicy, "validateStack">,
    defaults: DaysConfig,
    decide: Decide<DaysConfig>,
    now: () => Date,
): StackValidationPolicy {
    return {
        ...policy,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const config = configOf(defaults, args);
            const at = now();
            for (const resource of args.resources as PolicyResource[]) {
                if (!isPersonalAccessTokenType(resource.type)) continue;
                const message = decide(
                    { resource: resource.name, props: plainProps(resource.props) },
                    config,
                    at,
                );
                if (message !== undefined) report(message, resource.urn);
            }
        },
    };
}

const days = (description: string, fallback: number) => ({
    type: "integer" as const,
    minimum: 0,
    default: fallback,
    description,
});

function daysSchema(description: string, fallback: number): PolicyConfigSchema {
    return { properties: { days: days(description, fallback) } };
}

/** Every token-hygiene policy, with its default enforcement level. */
export function tokenHygienePolicies(
    options: TokenPolicyOptions = {},
): (ResourceValidationPolicy | StackValidationPolicy)[] {
    const now = options.now ?? systemNow;
    return [
        resourcePolicy(
            {
                name: POLICY_IDS.maximumLifetime,
                description:
                    "Tokens expire at most maximumDays ahead (expirationDate, or rotation.expiresInDays); tokens that never expire are refused unless allowNeverExpires.",
                enforcementLevel: "mandatory",
                configSchema: {
                    properties: {
                        maximumDays: {
                            type: "integer",
                            minimum: 1,
                            default: DEFAULTS.maximumLifetime.maximumDays,
                            description: "How far ahead a token may expire, in days.",
                        },
                        allowNeverExpires: {
                            type: "boolean",
                            default: DEFAULTS.maximumLifetime.allowNeverExpires,
                            description: "Accept tokens that never expire.",
                        },
                    },
                },
            },
            DEFAULTS.maximumLifetime,
            rules.maximumLifetime,
            now,
        ),
        resourcePolicy(
            {
                name: POLICY_IDS.leastPrivilege,
                description:
                    "Tokens declare the scopes they need: sp:scopes:all (also an omitted or null scope) is refused unless allowScopesAll; allowedScopes, when set, lists the only scopes accepted.",
                enforcementLevel: "mandatory",
                configSchema: {
                    properties: {
                        allowScopesAll: {
                            type: "boolean",
                            default: DEFAULTS.leastPrivilege.allowScopesAll,
                            description: "Accept sp:scopes:all.",
                        },
                        allowedScopes: {
                            type: "array",
                            items: { type: "string" },
                            description: "The only scopes a token may have.",
                        },
                    },
                },
            },
            DEFAULTS.leastPrivilege,
            (token, config) => rules.leastPrivilege(token, config),
            now,
        ),
        resourcePolicy(
            {
                name: POLICY_IDS.rotationRequired,
                description:
                    "Tokens declare rotation, so that a scheduled pulumi up renews them before they expire.",
                enforcementLevel: "advisory",
            },
            {},
            (token) => rules.rotationRequired(token),
            now,
        ),
        resourcePolicy(
            {
                name: POLICY_IDS.mintedBearerLifetime,
                description:
                    "Bearer tokens minted with a token live at most maximumSeconds (accessTokenValiditySeconds; omitted means 43200).",
                enforcementLevel: "advisory",
                configSchema: {
                    properties: {
                        maximumSeconds: {
                            type: "integer",
                            minimum: 15,
                            default: DEFAULTS.mintedBearerLifetime.maximumSeconds,
                            description: "The longest accessTokenValiditySeconds accepted.",
                        },
                    },
                },
            },
            DEFAULTS.mintedBearerLifetime,
            (token, config) => rules.mintedBearerLifetime(token, config),
            now,
        ),
        resourcePolicy(
            {
                name: POLICY_IDS.naming,
                description:
                    "Token names match the configured pattern (a regular expression). Off by default.",
                enforcementLevel: "disabled",
                configSchema: {
                    properties: {
                        pattern: {
                            type: "string",
                            default: DEFAULTS.naming.pattern,
                            description: "A JavaScript regular expression every token name must match.",
                        },
                    },
                },
            },
            DEFAULTS.naming,
            (token, config) => rules.naming(token, config),
            now,
        ),
        stackPolicy(
            {
                name: POLICY_IDS.unused,
                description: "Tokens in the state last used more than `days` ago (output lastUsed).",
                enforcementLevel: "advisory",
                configSchema: daysSchema("Days since lastUsed.", DEFAULTS.unused.days),
            },
            DEFAULTS.unused,
            stackRules.unused,
            now,
        ),
        stackPolicy(
            {
                name: POLICY_IDS.neverUsed,
                description:
                    "Tokens in the state created more than `days` ago and never used (outputs created, lastUsed).",
                enforcementLevel: "advisory",
                configSchema: daysSchema("Days since created.", DEFAULTS.neverUsed.days),
            },
            DEFAULTS.neverUsed,
            stackRules.neverUsed,
            now,
        ),
        stackPolicy(
            {
                name: POLICY_IDS.expiringWithoutRotation,
                description:
                    "Tokens in the state without rotation that expire within `days` (output expirationDate), or have expired.",
                enforcementLevel: "advisory",
                configSchema: daysSchema("Days until expirationDate.", DEFAULTS.expiringWithoutRotation.days),
            },
            DEFAULTS.expiringWithoutRotation,
            stackRules.expiringWithoutRotation,
            now,
        ),
        stackPolicy(
            {
                name: POLICY_IDS.rotationOverdue,
                description:
                    "Tokens in the state whose rotation is overdue: more than `days` past rotationDueAt, so the scheduled pulumi up has not run.",
                enforcementLevel: "advisory",
                configSchema: daysSchema("Days past rotationDueAt tolerated.", DEFAULTS.rotationOverdue.days),
            },
            DEFAULTS.rotationOverdue,
            stackRules.rotationOverdue,
            now,
        ),
    ];
}

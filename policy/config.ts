// The policies' ids, settings and defaults: one place, shared by the decisions, the policy objects
// (whose JSON schemas the engine checks --policy-pack-config against) and the README.

export const POLICY_IDS = {
    maximumLifetime: "sailpoint-pat-maximum-lifetime",
    leastPrivilege: "sailpoint-pat-least-privilege",
    rotationRequired: "sailpoint-pat-rotation-required",
    mintedBearerLifetime: "sailpoint-pat-minted-bearer-lifetime",
    naming: "sailpoint-pat-naming",
    unused: "sailpoint-pat-unused",
    neverUsed: "sailpoint-pat-never-used",
    expiringWithoutRotation: "sailpoint-pat-expiring-without-rotation",
    rotationOverdue: "sailpoint-pat-rotation-overdue",
} as const;

export interface MaximumLifetimeConfig {
    /** How far ahead a token may expire, in days. */
    maximumDays: number;
    /** Whether tokens that never expire are accepted. */
    allowNeverExpires: boolean;
}

export interface LeastPrivilegeConfig {
    /** Whether sp:scopes:all (also an omitted or null scope) is accepted. */
    allowScopesAll: boolean;
    /** When set, the only scopes a token may have. */
    allowedScopes?: string[];
}

export interface MintedBearerLifetimeConfig {
    /** The longest accessTokenValiditySeconds accepted. */
    maximumSeconds: number;
}

export interface NamingConfig {
    /** A JavaScript regular expression every token name must match. */
    pattern: string;
}

export interface DaysConfig {
    days: number;
}

export const DEFAULTS = {
    maximumLifetime: { maximumDays: 90, allowNeverExpires: false } as MaximumLifetimeConfig,
    leastPrivilege: { allowScopesAll: false } as LeastPrivilegeConfig,
    mintedBearerLifetime: { maximumSeconds: 3600 } as MintedBearerLifetimeConfig,
    naming: { pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" } as NamingConfig,
    /** Last used more than this many days ago. */
    unused: { days: 90 } as DaysConfig,
    /** Created more than this many days ago and never used. */
    neverUsed: { days: 30 } as DaysConfig,
    /** Expires within this many days and has no rotation. */
    expiringWithoutRotation: { days: 14 } as DaysConfig,
    /** Tolerated days past rotationDueAt. */
    rotationOverdue: { days: 0 } as DaysConfig,
};

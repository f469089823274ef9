// The per-token decisions, as pure functions of the token's properties (plain data, see values.ts),
// the policy's config and `now`. Each returns the violation's message (what is wrong and the fix),
// or undefined. A value that is not known yet never makes a violation.
import type { ApiVersion } from "../wire/api-types";
import {
    DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
    DEFAULT_API_VERSION,
    DEFAULT_SCOPE,
    hasModernExpiry,
    isApiVersion,
    legacyExpiryLimit,
} from "../provider/rules/versions";
import { addDays, hasPassed } from "../provider/rules/dates";
import { expiryOwner } from "../provider/rules/outputs";
import { printable } from "../wire/printable";
import type {
    LeastPrivilegeConfig,
    MaximumLifetimeConfig,
    MintedBearerLifetimeConfig,
    NamingConfig,
} from "./config";
import { DAY_MS, isUnknownValue, knownInstant, knownNumber, knownString } from "./values";

/** A token as a policy sees it: its resource name and its properties. */
export interface TokenFacts {
    /** The resource's name in the program (the URN's last part). */
    resource: string;
    props: Record<string, unknown>;
}

/**
 * A value from the program or the state as a message shows it: control characters escaped, so that
 * a name like "\u001b[31m..." cannot drive the terminal of whoever reads the preview.
 */
export function shown(value: unknown): string {
    return printable(String(value));
}

/** How messages name the token. */
export function label(token: TokenFacts): string {
    const name = knownString(token.props.name);
    return name !== undefined && name !== token.resource
        ? `PersonalAccessToken "${shown(token.resource)}" (name "${shown(name)}")`
        : `PersonalAccessToken "${shown(token.resource)}"`;
}

const isAbsent = (value: unknown) => value === undefined || value === null;

export function maximumLifetime(
    token: TokenFacts,
    config: MaximumLifetimeConfig,
    now: Date,
): string | undefined {
    const { props } = token;
    const max = config.maximumDays;
    const fixRotation = `declare rotation: { expiresInDays: ${max} or fewer, rotateBeforeDays: ... }`;
    const owner = expiryOwner(props);
    if (owner === "rotation") {
        if (isUnknownValue(props.rotation)) return undefined;
        const days = knownNumber((props.rotation as Record<string, unknown>).expiresInDays);
        if (days === undefined || days <= max) return undefined;
        return `${label(token)}: rotation.expiresInDays is ${days}, more than the ${max} days allowed; set rotation.expiresInDays to ${max} or fewer.`;
    }
    if (isUnknownValue(props.expirationDate)) return undefined;
    if (owner === "input") {
        const expires = knownInstant(props.expirationDate);
        const latest = addDays(now, max);
        if (expires === undefined || hasPassed(expires, latest)) return undefined;
        const days = Math.ceil((expires.getTime() - now.getTime()) / DAY_MS);
        return `${label(token)}: expires on ${shown(props.expirationDate)}, ${days} days from now, more than the ${max} days allowed; set expirationDate to ${latest.toISOString()} or earlier, or ${fixRotation}.`;
    }
    // Check resolves it, and leaves out v1 (absent means v1, rules/stored.ts); unknown: cannot say.
    const version = isAbsent(props.apiVersion) ? DEFAULT_API_VERSION : knownString(props.apiVersion);
    if (!isApiVersion(version)) return undefined;
    if (!hasModernExpiry(version)) {
        const expires = legacyExpiryLimit(now);
        if (expires.getTime() - now.getTime() <= max * DAY_MS) return undefined;
        return `${label(token)}: declares no expirationDate, so on apiVersion ${version} it expires 6 months after creation, more than the ${max} days allowed; set expirationDate at most ${max} days ahead, or ${fixRotation}.`;
    }
    if (config.allowNeverExpires) return undefined;
    return `${label(token)}: never expires (no expirationDate on apiVersion ${version as ApiVersion}); set expirationDate at most ${max} days ahead, or ${fixRotation}, or accept never-expiring tokens with the policy's config allowNeverExpires: true.`;
}

export function leastPrivilege(token: TokenFacts, config: LeastPrivilegeConfig): string | undefined {
    const { scope } = token.props;
    if (isUnknownValue(scope)) return undefined;
    if (isAbsent(scope) && !config.allowScopesAll) {
        return `${label(token)}: declares no scope, which means ${DEFAULT_SCOPE[0]} (every right of its owner); declare only the scopes it needs, e.g. scope: ["sp:scopes:default"].`;
    }
    if (!Array.isArray(scope)) return undefined;
    const scopes = scope.map(knownString).filter((s): s is string => s !== undefined);
    if (!config.allowScopesAll && scopes.includes(DEFAULT_SCOPE[0])) {
        return `${label(token)}: has scope ${DEFAULT_SCOPE[0]} (every right of its owner); replace it with only the scopes it needs, e.g. "sp:scopes:default".`;
    }
    if (config.allowedScopes === undefined) return undefined;
    const allowed = new Set([...config.allowedScopes, ...(config.allowScopesAll ? DEFAULT_SCOPE : [])]);
    const refused = scopes.filter((s) => !allowed.has(s));
    if (refused.length === 0) return undefined;
    return `${label(token)}: has scopes outside the allowed list (${shown(refused.join(", "))}); use only ${shown([...allowed].join(", "))}.`;
}

export function rotationRequired(token: TokenFacts): string | undefined {
    if (!isAbsent(token.props.rotation)) return undefined; // declared, or not known yet
    return `${label(token)}: declares no rotation; add rotation: { expiresInDays, rotateBeforeDays } so that it is renewed before it expires, by a scheduled pulumi up.`;
}

export function mintedBearerLifetime(
    token: TokenFacts,
    config: MintedBearerLifetimeConfig,
): string | undefined {
    const value = token.props.accessTokenValiditySeconds;
    if (isUnknownValue(value)) return undefined;
    const seconds = isAbsent(value) ? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS : knownNumber(value);
    if (seconds === undefined || seconds <= config.maximumSeconds) return undefined;
    const what = isAbsent(value)
        ? `declares no accessTokenValiditySeconds (default ${seconds})`
        : `has accessTokenValiditySeconds ${seconds}`;
    return `${label(token)}: ${what}, so the bearer tokens minted with it live longer than the ${config.maximumSeconds} seconds allowed; set accessTokenValiditySeconds to ${config.maximumSeconds} or less.`;
}

export function naming(token: TokenFacts, config: NamingConfig): string | undefined {
    const name = knownString(token.props.name);
    if (name === undefined) return undefined;
    let pattern: RegExp;
    try {
        pattern = new RegExp(config.pattern, "u");
    } catch (error) {
        return `${label(token)}: cannot check the name: the policy's pattern ${shown(JSON.stringify(config.pattern))} is not a valid regular expression (${shown((error as Error).message)}); fix it in --policy-pack-config.`;
    }
    if (pattern.test(name)) return undefined;
    return `${label(token)}: name "${shown(name)}" does not match the required pattern ${shown(config.pattern)}; rename the token to match it.`;
}

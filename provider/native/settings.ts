// One provider instance's settings (tenant URL, API client, default API version): what Configure
// brings, their check (CheckConfig), their diff (DiffConfig), and the adapter through which the
// lifecycle reads them under the names it knows (sailpoint:<key>). Pure but for the environment,
// which callers pass in.
import type { ConfigSource, Environment } from "../isc-client/config";
import { normalizeBaseUrl } from "../isc-client/config";
import { API_VERSIONS, isApiVersion } from "../rules/versions";
import type { CheckFailure } from "../rules/validate";
import { nativeWording, PACKAGE } from "./package-schema";
import { isUnknownValue, type Properties } from "./values";

export const SETTING_NAMES = ["baseUrl", "clientId", "clientSecret", "apiVersion"] as const;
export type SettingName = (typeof SETTING_NAMES)[number];
export type Settings = Partial<Record<SettingName, string>>;

/** The lifecycle's key for each setting, and the environment variable behind it. */
const LIFECYCLE_KEY: Record<SettingName, string> = {
    baseUrl: "sailpoint:baseUrl",
    clientId: "sailpoint:clientId",
    clientSecret: "sailpoint:clientSecret",
    apiVersion: "sailpoint:apiVersion",
};

/**
 * The settings in a Configure request: its `args` (the provider's inputs, plain after unwrap),
 * else its `variables`, keyed `iscpat:config:<key>` by the engines of today and `iscpat:<key>` or
 * `<key>` by older ones. An unknown or non-string value counts as unset.
 */
export function settingsFrom(args: Properties | undefined, variables: Map<string, string>): Settings {
    const settings: Settings = {};
    for (const name of SETTING_NAMES) {
        const candidates = args
            ? [args[name]]
            : [`${PACKAGE}:config:${name}`, `${PACKAGE}:${name}`, name].map((key) => variables.get(key));
        const value = candidates.find((c) => typeof c === "string" && c.trim() !== "" && !isUnknownValue(c));
        if (typeof value === "string") settings[name] = value;
    }
    return settings;
}

/** What the lifecycle reads as its stack config: this instance's settings, under their sailpoint: names. */
export function configSource(settings: Settings): ConfigSource {
    return {
        get(key: string): string | undefined {
            const name = SETTING_NAMES.find((n) => LIFECYCLE_KEY[n] === key);
            return name === undefined ? undefined : settings[name];
        },
    };
}

export { nativeWording };

/** CheckConfig: a tenant URL the client would refuse, an API version that does not exist. Unknowns pass. */
export function checkSettings(news: Properties): CheckFailure[] {
    const failures: CheckFailure[] = [];
    for (const name of SETTING_NAMES) {
        const value = news[name];
        if (value === undefined || value === null || isUnknownValue(value)) continue;
        if (typeof value !== "string") {
            failures.push({ property: name, reason: `must be a string (got ${typeof value})` });
        } else if (name === "baseUrl" && value.trim() !== "") {
            try {
                normalizeBaseUrl(value.trim());
            } catch (error) {
                failures.push({ property: name, reason: nativeWording((error as Error).message) });
            }
        } else if (name === "apiVersion" && value.trim() !== "" && !isApiVersion(value.trim())) {
            failures.push({
                property: name,
                reason: `is "${value}"; it must be one of ${API_VERSIONS.join(", ")}`,
            });
        }
    }
    return failures;
}

export interface SettingsDiff {
    /** Settings whose value differs (unknown counts as different). */
    changed: SettingName[];
    /** baseUrl when the tenant is another one: every token of this provider belongs to the old tenant. */
    replaces: SettingName[];
}

/**
 * DiffConfig. The tenant is the setting's value, else SAIL_BASE_URL, compared as the client uses it
 * (normalised: a trailing slash is the same tenant). A new tenant replaces the provider, and so the
 * tokens made through it; a new client id, secret or API version changes the provider in place.
 */
export function diffSettings(olds: Properties, news: Properties, env: Environment): SettingsDiff {
    const changed = SETTING_NAMES.filter((name) => !sameSetting(olds[name], news[name]));
    const tenant = (value: unknown): unknown =>
        isUnknownValue(value) ? value : canonicalUrl(nonEmpty(value) ?? nonEmpty(env.SAIL_BASE_URL));
    const oldTenant = tenant(olds.baseUrl);
    const newTenant = tenant(news.baseUrl);
    const otherTenant = isUnknownValue(newTenant) || oldTenant !== newTenant;
    return { changed, replaces: changed.includes("baseUrl") && otherTenant ? ["baseUrl"] : [] };
}

function sameSetting(a: unknown, b: unknown): boolean {
    if (isUnknownValue(a) || isUnknownValue(b)) return false;
    return (nonEmpty(a) ?? null) === (nonEmpty(b) ?? null);
}

function nonEmpty(value: unknown): string | undefined {
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function canonicalUrl(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    try {
        return normalizeBaseUrl(value);
    } catch {
        return value;
    }
}

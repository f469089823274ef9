// One provider instance's settings in the plugin (tenant URL, API client, default API version): what
// Configure brings, their check (CheckConfig) and their diff (DiffConfig), all from the settings
// table (isc-client/settings.ts). Pure but for the environment, which callers pass in.
import {
    connectionSourceKind,
    missingConnectionSettings,
    type Environment,
    type EnvironmentRecord,
    type GivenSettings,
} from "../isc-client/config";
import {
    canonicalBaseUrl,
    CONNECTION_NAMES,
    configKey,
    envVariable,
    SETTINGS,
    SETTING_NAMES,
    type SettingName,
    type SettingsPlace,
} from "../isc-client/settings";
import { isUnknown } from "../rules/types";
import type { CheckFailure } from "../rules/validate";
import type { Properties } from "./values";

/**
 * Where CheckConfig records the tenant and client id a provider took from the environment (never the
 * secret): DiffConfig compares the effective settings, and the environment changes between runs.
 */
export const FROM_ENVIRONMENT = "fromEnvironment";

/** A default provider (named default…) reads the stack config; any other is an explicit provider. */
export function placeOf(urnOrName: string): SettingsPlace {
    const name = urnOrName.split("::").at(-1) ?? "";
    return { door: "native", explicit: name !== "" && !name.startsWith("default") };
}

/**
 * The settings in a Configure request: its `args` (the provider's inputs, plain after unwrap), else its
 * `variables`, keyed `iscpat:config:<key>` by the engines of today and `iscpat:<key>` or `<key>` by
 * older ones. An unknown stays unknown (it is given, not unset); a blank or non-string value is unset.
 */
export function settingsFrom(args: Properties | undefined, variables: Map<string, string>): GivenSettings {
    const settings: GivenSettings = {};
    for (const name of SETTING_NAMES) {
        const key = configKey("native", name);
        const candidates = args
            ? [args[name]]
            : [key.replace(":", ":config:"), key, name].map((k) => variables.get(k));
        const value = candidates.find((c) => typeof c === "string" && c.trim() !== "");
        if (typeof value === "string") settings[name] = value;
    }
    return settings;
}

/**
 * CheckConfig: each setting's check from the table; a partial connection (some settings given, others
 * not) names what is missing, since the environment does not fill the gaps. Unknowns pass.
 */
export function checkSettings(news: Properties, place: SettingsPlace): CheckFailure[] {
    const failures: CheckFailure[] = [];
    for (const spec of SETTINGS) {
        const value = news[spec.name];
        if (value === undefined || value === null || isUnknown(value)) continue;
        if (typeof value !== "string") {
            failures.push({ property: spec.name, reason: `must be a string (got ${typeof value})` });
            continue;
        }
        const problem = value.trim() === "" ? undefined : spec.check(value.trim());
        if (problem !== undefined) failures.push({ property: spec.name, reason: problem });
    }
    const given = givenOf(news);
    if (connectionSourceKind(given) === "given") {
        const set = CONNECTION_NAMES.filter((name) => given[name] !== undefined);
        for (const name of missingConnectionSettings("given", given, {})) {
            failures.push({
                property: name,
                reason: `is missing: this provider takes its connection from its ${place.explicit ? "properties" : "stack config"} (${set.join(", ")} ${set.length === 1 ? "is" : "are"} set there), so it needs ${CONNECTION_NAMES.join(", ")} there and never takes ${envVariable(name)} from the environment`,
            });
        }
    }
    return failures;
}

/** CheckConfig's inputs: the settings as given, plus what the environment supplies when it is the source. */
export function checkedSettings(news: Properties, env: Environment): Properties {
    const inputs: Properties = { ...news };
    delete inputs[FROM_ENVIRONMENT];
    if (connectionSourceKind(givenOf(news)) === "environment") {
        const record: EnvironmentRecord = {};
        const root = canonicalRoot(env[envVariable("baseUrl")]);
        if (root !== undefined) record.baseUrl = root;
        const clientId = env[envVariable("clientId")]?.trim();
        if (clientId) record.clientId = clientId;
        inputs[FROM_ENVIRONMENT] = record;
    }
    return inputs;
}

/** The tenant and client a provider's inputs connect as, unknown values kept, undefined where not recorded. */
export interface Effective {
    kind: "given" | "environment";
    baseUrl?: string;
    clientId?: string;
}

export function effectiveOf(inputs: Properties): Effective {
    const given = givenOf(inputs);
    if (connectionSourceKind(given) === "given") {
        const url = given.baseUrl;
        return {
            kind: "given",
            baseUrl: url === undefined || isUnknown(url) ? url : (canonicalRoot(url) ?? url.trim()),
            clientId: given.clientId?.trim(),
        };
    }
    const record = inputs[FROM_ENVIRONMENT] as EnvironmentRecord | undefined;
    return { kind: "environment", baseUrl: record?.baseUrl, clientId: record?.clientId };
}

export interface SettingsDiff {
    /** Settings whose value differs (unknown counts as different). */
    changed: string[];
    /** The tenant or the API client differs: the tokens belong to the old one (may be an alias: see server.ts). */
    moved: boolean;
    /** The environment moved a provider that takes it (both sides): neither source can act at the old tenant. */
    environmentMoved?: { from: Effective; to: Effective };
}

/**
 * DiffConfig on the effective settings, the environment included (CheckConfig recorded it). A stack
 * written before the record existed has none: it compares as unchanged, as it did.
 */
export function diffSettings(olds: Properties, news: Properties): SettingsDiff {
    const changed: string[] = SETTING_NAMES.filter((name) => !sameValue(olds[name], news[name]));
    const before = effectiveOf(olds);
    const after = effectiveOf(news);
    const differs = (name: "baseUrl" | "clientId") =>
        before[name] !== undefined &&
        (isUnknown(after[name]) || isUnknown(before[name]) || before[name] !== after[name]);
    const moved = differs("baseUrl") || differs("clientId");
    if (before.kind === "environment" && after.kind === "environment" && moved)
        changed.push(FROM_ENVIRONMENT);
    return {
        changed,
        moved,
        // From the environment to given settings (an explicit provider, the stack config) is a move of
        // source, judged like any other: the same tenant and identity in place, else a replacement.
        ...(moved && before.kind === "environment" && after.kind === "environment"
            ? { environmentMoved: { from: before, to: after } }
            : {}),
    };
}

function givenOf(inputs: Properties): GivenSettings {
    const given: GivenSettings = {};
    for (const name of SETTING_NAMES) {
        const value = inputs[name];
        if (typeof value === "string" && value.trim() !== "") given[name as SettingName] = value;
    }
    return given;
}

function sameValue(a: unknown, b: unknown): boolean {
    if (isUnknown(a) || isUnknown(b)) return false;
    return (nonEmpty(a) ?? null) === (nonEmpty(b) ?? null);
}

function nonEmpty(value: unknown): string | undefined {
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function canonicalRoot(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : canonicalBaseUrl(value.trim()).root;
}

// Where a provider instance connects and with which credentials: from one source as a whole. Its own
// settings (the stack config, or an explicit provider's properties) when it is given any connection
// setting, else the environment variables the official SailPoint SDKs and CLI read. Never a mix: a
// secret of one source must not reach the tenant of another.
import type { ApiVersion } from "../../wire/api-types";
import { isUnknown } from "../rules/types";
import { DEFAULT_API_VERSION } from "../rules/versions";
import { ConfigurationError } from "./errors";
import { registerSecret } from "./redact";
import {
    canonicalBaseUrl,
    configKey,
    CONNECTION_NAMES,
    SETTING_NAMES,
    envVariable,
    givenKey,
    settingSpec,
    type ConnectionName,
    type Door,
    type SettingName,
    type SettingsPlace,
} from "./settings";

export { isLoopbackHost } from "./settings";

export interface ConnectionSettings {
    /** The tenant's API root, without a trailing slash, e.g. https://acme.api.identitynow.com */
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    /** Where they came from, for messages that tell the user what to check. */
    source?: ConnectionSource;
}

export interface ConnectionSource {
    kind: "given" | "environment";
    place: SettingsPlace;
}

/** The tenant and client a provider took from the environment when it was last updated (never the secret). */
export interface EnvironmentRecord {
    baseUrl?: string;
    clientId?: string;
}

/** The settings a door was given, by name; a value may be the engine's unknown (at preview). */
export type GivenSettings = Partial<Record<SettingName, string>>;

export type Environment = Record<string, string | undefined>;

/** A door's settings from a stack config, read under that door's keys. */
export function givenFromConfig(get: (key: string) => string | undefined, door: Door): GivenSettings {
    const given: GivenSettings = {};
    for (const name of SETTING_NAMES) {
        const value = get(configKey(door, name));
        if (typeof value === "string" && value.trim() !== "") given[name] = value;
    }
    return given;
}

/**
 * One stack's settings for a command that serves both doors (isc-pat audit --stack): one door's,
 * never a mix, by the providers' own rule. A provider takes its connection from its settings when they
 * set any of baseUrl, clientId and clientSecret, so the door whose keys set one of them gives the
 * settings (the dynamic resource's sailpoint: keys first, then the plugin's iscpat: keys). When neither
 * does, the connection is the environment's, and apiVersion the sailpoint: one, else the iscpat: one.
 */
export function stackSettings(get: (key: string) => string | undefined): {
    given: GivenSettings;
    place: SettingsPlace;
} {
    const dynamic = givenFromConfig(get, "dynamic");
    const native = givenFromConfig(get, "native");
    const fromNative =
        connectionSourceKind(dynamic) === "environment" &&
        (connectionSourceKind(native) === "given" || Object.keys(dynamic).length === 0);
    return fromNative
        ? { given: native, place: { door: "native", explicit: false } }
        : { given: dynamic, place: { door: "dynamic", explicit: false } };
}

/** How the user names a setting in the source a connection came from. */
export function sourceKey(source: ConnectionSource, name: ConnectionName): string {
    return source.kind === "environment" ? envVariable(name) : givenKey(source.place, name);
}

/**
 * Which source a provider instance takes its connection from: its own settings when any connection
 * setting is given (an unknown one counts: it will be given), else the environment.
 */
export function connectionSourceKind(given: GivenSettings): ConnectionSource["kind"] {
    return CONNECTION_NAMES.some((name) => isGiven(given[name])) ? "given" : "environment";
}

/** The connection settings a source lacks (unknowns are not lacking). */
export function missingConnectionSettings(
    kind: ConnectionSource["kind"],
    given: GivenSettings,
    env: Environment,
): ConnectionName[] {
    return CONNECTION_NAMES.filter((name) =>
        kind === "given" ? !isGiven(given[name]) : nonEmpty(env[envVariable(name)]) === undefined,
    );
}

/** Resolves the connection from one source; throws a ConfigurationError naming what to set. */
export function resolveConnection(
    given: GivenSettings,
    place: SettingsPlace,
    env: Environment,
    recorded?: EnvironmentRecord,
): ConnectionSettings {
    const source: ConnectionSource = { kind: connectionSourceKind(given), place };
    const read = (name: ConnectionName) =>
        source.kind === "given" ? nonEmpty(given[name]) : nonEmpty(env[envVariable(name)]);
    const missing = missingConnectionSettings(source.kind, given, env);
    if (missing.length > 0) throw new ConfigurationError(missingSettingsMessage(source, missing));
    const unknown = CONNECTION_NAMES.filter((name) => isUnknown(read(name)));
    if (unknown.length > 0) {
        throw new ConfigurationError(
            `The SailPoint connection settings ${unknown.map((n) => givenKey(place, n)).join(", ")} are not known yet (they come from another resource's output): nothing is sent until they are`,
        );
    }
    const values = Object.fromEntries(CONNECTION_NAMES.map((name) => [name, read(name) as string]));
    registerSecret(values.clientSecret);
    for (const name of CONNECTION_NAMES) {
        const problem = settingSpec(name).check(values[name]);
        if (problem !== undefined) {
            throw new ConfigurationError(`The SailPoint setting ${sourceKey(source, name)} ${problem}`);
        }
    }
    const baseUrl = canonicalBaseUrl(values.baseUrl).root as string;
    if (source.kind === "environment" && recorded !== undefined) {
        const was = `${recorded.baseUrl ?? "?"} (client ${recorded.clientId ?? "?"})`;
        if (
            (recorded.baseUrl ?? baseUrl) !== baseUrl ||
            (recorded.clientId ?? values.clientId) !== values.clientId
        ) {
            throw new ConfigurationError(
                `This provider took its connection from the environment for ${was}, and ${envVariable("baseUrl")} and ${envVariable("clientId")} now name ${baseUrl} (client ${values.clientId}): its tokens live at ${recorded.baseUrl ?? "the old tenant"}, and no secret of the environment is sent there. Set ${CONNECTION_NAMES.map(envVariable).join(", ")} back to that tenant's for this command, or run \`pulumi up\` to see what moving them means`,
            );
        }
    }
    return {
        baseUrl,
        clientId: values.clientId,
        clientSecret: values.clientSecret,
        source,
    };
}

/**
 * The connection from the SAIL_* environment alone, for a command that reads no stack config (the
 * audit without --stack, the rotator): what is missing is named as variables, and `otherwise` says
 * what else the command could take, if anything.
 */
export function resolveFromEnvironment(env: Environment, otherwise = ""): ConnectionSettings {
    const place: SettingsPlace = { door: "dynamic", explicit: false };
    const missing = missingConnectionSettings("environment", {}, env);
    if (missing.length > 0) {
        const lines = missing.map((name) => `  export ${envVariable(name)}=<value>`);
        throw new ConfigurationError(
            `SailPoint connection settings are missing: ${missing.map(envVariable).join(", ")}. This command reads them from the environment only${otherwise}:\n${lines.join("\n")}`,
        );
    }
    return resolveConnection({}, place, env);
}

/** What is missing and how to set it, in the words of the source the provider takes. */
export function missingSettingsMessage(source: ConnectionSource, missing: readonly ConnectionName[]): string {
    const keys = missing.map((name) => sourceKey(source, name));
    if (source.kind === "given") {
        const given = CONNECTION_NAMES.filter((n) => !missing.includes(n)).map((n) =>
            givenKey(source.place, n),
        );
        const how = source.place.explicit
            ? "set them as the provider's properties"
            : missing
                  .map(
                      (n) =>
                          `  pulumi config set ${settingSpec(n).secret ? "--secret " : ""}${givenKey(source.place, n)} <value>`,
                  )
                  .join("\n");
        return `SailPoint connection settings are missing: ${keys.join(", ")}. A provider takes its connection from one place, and ${given.join(", ")} ${given.length === 1 ? "is" : "are"} set there, so the environment (SAIL_*) is not read: ${source.place.explicit ? how : `set the rest there too:\n${how}`}`;
    }
    // An explicit provider's settings are its properties: no stack config names them.
    const set = (name: ConnectionName) =>
        source.place.explicit
            ? `  set ${givenKey(source.place, name)}`
            : `  pulumi config set ${settingSpec(name).secret ? "--secret " : ""}${givenKey(source.place, name)} <value>`;
    const lines = missing.map((name) => `${set(name)}   or   export ${envVariable(name)}=<value>`);
    const where = source.place.explicit ? "as the provider's properties" : "in the stack config";
    return `SailPoint connection settings are missing: ${missing.map((n) => givenKey(source.place, n)).join(", ")}. Set them ${where} or in the environment (all three in one of them):\n${lines.join("\n")}`;
}

/** The API version for tokens that name none: the given apiVersion, else v1. */
export function resolveDefaultApiVersion(given: GivenSettings, place: SettingsPlace): ApiVersion {
    const value = nonEmpty(given.apiVersion);
    if (value === undefined || isUnknown(value)) return DEFAULT_API_VERSION;
    const problem = settingSpec("apiVersion").check(value);
    if (problem !== undefined) {
        throw new ConfigurationError(`The SailPoint setting ${givenKey(place, "apiVersion")} ${problem}`);
    }
    return value as ApiVersion;
}

/** https only, except on this machine (the emulator); the tenant's root, no version or path. */
export function normalizeBaseUrl(raw: string): string {
    const { root, problem } = canonicalBaseUrl(raw);
    if (problem !== undefined) throw new ConfigurationError(`The SailPoint base URL ${problem}`);
    return root as string;
}

function isGiven(value: string | undefined): boolean {
    return nonEmpty(value) !== undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
    return typeof value !== "string" || value.trim() === "" ? undefined : value.trim();
}

// The provider's settings, written once: for each, its name, environment variable, whether it is
// secret, its description and its check. Config resolution (config.ts), both doors' CheckConfig and
// DiffConfig, the plugin's schema, the README's configuration table and each door's spelling of the
// keys all come from here. The core speaks of a setting by its name; a door renders its key.
import { NATIVE_PACKAGE } from "../rules/types";
import { API_VERSIONS, isApiVersion, notAVersion } from "../rules/versions";
import { MAX_SECRET_CHARS } from "./redact";

export interface SettingSpec {
    /** The name the core uses, and an explicit provider's property. */
    readonly name: string;
    /** The variable the official SailPoint SDKs and CLI read; a setting with one is part of the connection. */
    readonly env?: string;
    readonly secret: boolean;
    /** For the README and the schema: what the setting is. How it is resolved is said once, in the README. */
    readonly description: string;
    /** Why a (trimmed, non-empty) value is not valid, or undefined; never quotes a secret. */
    readonly check: (value: string) => string | undefined;
}

export const SETTINGS = [
    {
        name: "baseUrl",
        env: "SAIL_BASE_URL",
        secret: false,
        description:
            "The tenant's API root, e.g. https://acme.api.identitynow.com; https:// only (plain http:// only on loopback).",
        check: (value: string) => baseUrlProblem(value),
    },
    {
        name: "clientId",
        env: "SAIL_CLIENT_ID",
        secret: false,
        description: "The API client (OAuth2 client credentials) that owns and manages the tokens.",
        check: () => undefined,
    },
    {
        name: "clientSecret",
        env: "SAIL_CLIENT_SECRET",
        secret: true,
        description: "The API client's secret; a Pulumi secret in the state.",
        check: (value: string) =>
            value.length > MAX_SECRET_CHARS
                ? `is ${value.length} characters long, more than the ${MAX_SECRET_CHARS} a secret can have; set it to the API client's secret`
                : undefined,
    },
    {
        name: "apiVersion",
        secret: false,
        description: `The API version for tokens that name none: ${API_VERSIONS.join(", ")} (the default is v1).`,
        check: (value: string) => (isApiVersion(value) ? undefined : notAVersion(value)),
    },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]["name"];
export const SETTING_NAMES: readonly SettingName[] = SETTINGS.map((s) => s.name);
/** The settings that say where to connect and as whom: those with an environment variable. */
export const CONNECTION_NAMES = [
    "baseUrl",
    "clientId",
    "clientSecret",
] as const satisfies readonly SettingName[];
export type ConnectionName = (typeof CONNECTION_NAMES)[number];

export function settingSpec(name: SettingName): SettingSpec {
    return SETTINGS.find((s) => s.name === name) as SettingSpec;
}

export function envVariable(name: ConnectionName): string {
    return settingSpec(name).env as string;
}

/** The two doors, and the stack config namespace each reads its settings under. */
export type Door = "dynamic" | "native";
const NAMESPACE: Record<Door, string> = { dynamic: "sailpoint", native: NATIVE_PACKAGE };

/** A setting's stack config key in a door: the only place a key is spelled. */
export function configKey(door: Door, name: SettingName): string {
    return `${NAMESPACE[door]}:${name}`;
}

/** Where a provider instance's own settings were given: a door's stack config, or an explicit provider. */
export interface SettingsPlace {
    door: Door;
    /** An explicit provider of the plugin: the settings are its properties, not stack config. */
    explicit: boolean;
}

/** How the user names a setting where this provider instance takes it from. */
export function givenKey(place: SettingsPlace, name: SettingName): string {
    return place.explicit ? `the provider's ${name}` : configKey(place.door, name);
}

/** The README's configuration table, one row per setting. */
export function settingsTable(): string {
    const rows = SETTINGS.map(
        (s) =>
            `| \`${s.name}\` | \`${configKey("dynamic", s.name)}\` | \`${configKey("native", s.name)}\`, \`${s.name}\` | ${"env" in s ? `\`${s.env}\`` : ""} | ${s.secret ? "yes" : ""} | ${s.description} |`,
    );
    return [
        "| setting | dynamic resource: stack config | plugin: stack config, or an explicit provider's property | environment | secret | meaning |",
        "|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}

/** https only, except on this machine (the emulator); the tenant's root, no version or path. */
export function baseUrlProblem(raw: string): string | undefined {
    return canonicalBaseUrl(raw).problem;
}

/**
 * The tenant's canonical API root (scheme and host, no path, no trailing slash), or why the text is
 * not one. The client calls this root; tokens record it.
 */
export function canonicalBaseUrl(raw: string): { root?: string; problem?: string } {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        // Quoted only when it looks like a host (a dot, a colon or a slash) and cannot hold credentials
        // or a query (user:password@, ?token=): a secret set here by mistake (the variables swapped) is
        // neither, and this process may not know it as one (the plugin's CheckConfig).
        const shown =
            /^[A-Za-z0-9.:/[\]_-]{0,200}$/.test(raw) && /[.:/]/.test(raw)
                ? `"${raw}"`
                : `(${raw.length} characters, not shown)`;
        return {
            problem: `${shown} is not a URL; it looks like https://<tenant>.api.identitynow.com`,
        };
    }
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        return {
            problem: `must use https:// (got ${url.protocol}//${url.host}); plain http:// is allowed only for loopback hosts such as 127.0.0.1 (the local emulator)`,
        };
    }
    if (url.username || url.password || url.search || url.hash) {
        // Never echoed: a URL's credentials or query may be a secret the process knows nothing of.
        const carried = [
            url.username || url.password ? "credentials (user:password@)" : "",
            url.search ? "a query (?…)" : "",
            url.hash ? "a fragment (#…)" : "",
        ].filter(Boolean);
        return {
            problem: `must not carry credentials, a query or a fragment (${url.protocol}//${url.host} carries ${carried.join(" and ")}); set it to the tenant's API root alone, e.g. https://acme.api.identitynow.com`,
        };
    }
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== "") {
        return {
            problem: `must be the tenant's API root with no path (got "${url.pathname}"), e.g. https://acme.api.identitynow.com; the provider adds /oauth/token and the versioned paths itself`,
        };
    }
    return { root: `${url.protocol}//${url.host}` };
}

export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

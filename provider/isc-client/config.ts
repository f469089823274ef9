// Where the provider connects and with which credentials: the stack config (through configure),
// else the environment variables the official SailPoint SDKs and CLI read.
import type { ApiVersion } from "../../wire/api-types";
import { ConfigurationError } from "./errors";
import { MAX_SECRET_CHARS, registerSecret } from "./redact";
import { API_VERSIONS, DEFAULT_API_VERSION, isApiVersion } from "../rules/versions";

export interface ConnectionSettings {
    /** The tenant's API root, without a trailing slash, e.g. https://acme.api.identitynow.com */
    baseUrl: string;
    clientId: string;
    clientSecret: string;
}

/** The part of pulumi.dynamic.Config that the provider reads. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

export type Environment = Record<string, string | undefined>;

const SETTINGS = [
    { field: "baseUrl", config: "sailpoint:baseUrl", env: "SAIL_BASE_URL", secret: false },
    { field: "clientId", config: "sailpoint:clientId", env: "SAIL_CLIENT_ID", secret: false },
    { field: "clientSecret", config: "sailpoint:clientSecret", env: "SAIL_CLIENT_SECRET", secret: true },
] as const;

/** Resolves the connection, per setting: stack config first, then the environment. */
export function resolveConnection(config: ConfigSource | undefined, env: Environment): ConnectionSettings {
    const values: Partial<Record<keyof ConnectionSettings, string>> = {};
    const missing: string[] = [];
    for (const s of SETTINGS) {
        const value = nonEmpty(config?.get(s.config)) ?? nonEmpty(env[s.env]);
        if (value === undefined) missing.push(s.config);
        else values[s.field] = value;
    }
    registerSecret(values.clientSecret);
    if (missing.length > 0) {
        const lines = SETTINGS.filter((s) => missing.includes(s.config)).map(
            (s) =>
                `  pulumi config set ${s.secret ? "--secret " : ""}${s.config} <value>   or   export ${s.env}=<value>`,
        );
        throw new ConfigurationError(
            `SailPoint connection settings are missing: ${missing.join(", ")}. Set them in the stack config or in the environment:\n${lines.join("\n")}`,
        );
    }
    // Longer than any secret: the scrubber would not mask it (redact.ts), so it is not used at all.
    if ((values.clientSecret as string).length > MAX_SECRET_CHARS) {
        throw new ConfigurationError(
            `The SailPoint client secret (sailpoint:clientSecret or SAIL_CLIENT_SECRET) is ${(values.clientSecret as string).length} characters long, more than the ${MAX_SECRET_CHARS} a secret can have; set it to the API client's secret`,
        );
    }
    return {
        baseUrl: normalizeBaseUrl(values.baseUrl as string),
        clientId: values.clientId as string,
        clientSecret: values.clientSecret as string,
    };
}

/** The API version for tokens that name none: sailpoint:apiVersion, else v1. */
export function resolveDefaultApiVersion(config: ConfigSource | undefined): ApiVersion {
    const value = nonEmpty(config?.get("sailpoint:apiVersion"));
    if (value === undefined) return DEFAULT_API_VERSION;
    if (!isApiVersion(value)) {
        throw new ConfigurationError(
            `The stack config sailpoint:apiVersion is "${value}"; it must be one of ${API_VERSIONS.join(", ")}`,
        );
    }
    return value;
}

/** https only, except on this machine (the emulator); the tenant's root, no version or path. */
export function normalizeBaseUrl(raw: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new ConfigurationError(
            `The SailPoint base URL "${raw}" is not a URL; it looks like https://<tenant>.api.identitynow.com (sailpoint:baseUrl or SAIL_BASE_URL)`,
        );
    }
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        throw new ConfigurationError(
            `The SailPoint base URL must use https:// (got ${url.protocol}//${url.host}); plain http:// is allowed only for loopback hosts such as 127.0.0.1 (the local emulator)`,
        );
    }
    if (url.username || url.password || url.search || url.hash) {
        throw new ConfigurationError(
            "The SailPoint base URL must not carry credentials, a query or a fragment",
        );
    }
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== "") {
        throw new ConfigurationError(
            `The SailPoint base URL must be the tenant's API root with no path (got "${url.pathname}"), e.g. https://acme.api.identitynow.com; the provider adds /oauth/token and the versioned paths itself`,
        );
    }
    return `${url.protocol}//${url.host}`;
}

export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value.trim();
}

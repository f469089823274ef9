// Property values as the engine sends them to a plugin that accepts secrets: plain JSON, except a
// secret is an object carrying Pulumi's secret signature, and a value not known yet (preview) is
// the unknown sentinel. The lifecycle works on plain values, so secrets are unwrapped on the way
// in, their property names remembered, and those properties (plus `secret`) wrapped on the way out:
// a secret the program declared stays a secret in the state.
import { UNKNOWN } from "../rules/types";

/** The key and value marking a secret (pulumi/sdk resource/properties: the "special" signature). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export { UNKNOWN };

export type Properties = Record<string, unknown>;

export interface Unwrapped {
    values: Properties;
    /** Top-level properties that held a secret anywhere inside them. */
    secrets: Set<string>;
}

function isSecret(value: unknown): value is { value?: unknown } {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
    );
}

/** A value with every secret wrapper removed; `found` is told whether there was one. */
function plain(value: unknown, found: { secret: boolean }): unknown {
    if (isSecret(value)) {
        found.secret = true;
        return plain(value.value, found);
    }
    if (Array.isArray(value)) return value.map((item) => plain(item, found));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, found)]));
    }
    return value;
}

export function unwrap(properties: Properties | undefined): Unwrapped {
    const secrets = new Set<string>();
    // fromEntries defines own properties: a key such as __proto__ stays a key.
    const values = Object.fromEntries(
        Object.entries(properties ?? {}).map(([key, value]) => {
            const found = { secret: false };
            const unwrapped = plain(value, found);
            if (found.secret) secrets.add(key);
            return [key, unwrapped];
        }),
    );
    return { values, secrets };
}

export function secretValue(value: unknown): Properties {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * Properties for the engine: undefined ones left out (a Struct has no undefined), the named ones
 * wrapped as secrets (an unknown one too: it will be a secret when known).
 */
export function wrap(properties: object | undefined, secrets: Iterable<string>): Properties {
    const named = new Set(secrets);
    return Object.fromEntries(
        Object.entries(properties ?? {})
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, named.has(key) ? secretValue(jsonValue(value)) : jsonValue(value)]),
    );
}

/** Plain JSON: nested undefined properties dropped (the protobuf Struct refuses them). */
function jsonValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : jsonValue(item)));
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, jsonValue(v)]),
        );
    }
    return value;
}

export function isUnknownValue(value: unknown): boolean {
    return value === UNKNOWN;
}

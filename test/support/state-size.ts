// The state per token, as `pulumi stack export` holds it (secrets encrypted), measured two ways:
// - the provider's own: the record's fields the provider's answers fill (check's inputs; the id and
//   outputs of create, read and update; initErrors and refreshBeforeUpdate), the dynamic door's
//   `__provider` left out (the SDK's serialized code, the same require() in inputs and outputs,
//   reported apart);
// - issue 29's: the whole record without the engine's `sourcePosition` and `stackTrace`, which adds the
//   fields the engine writes from the program and its own bookkeeping (urn, type, parent, provider
//   reference, propertyDependencies, additionalSecretOutputs, created, modified, ...).
// Every field of a record is in one of the lists below (apitype.ResourceV3 of the CLI's version).
import assert from "node:assert/strict";
import { expirySourceOf, secretKnownOf, versionOf } from "../../provider/rules/stored";
import { isPersonalAccessTokenType, type TokenOutputs } from "../../provider/rules/types";
import { MODERN_VERSIONS } from "../../provider/rules/versions";

/** Fields the provider's answers fill. */
export const PROVIDER_FIELDS = ["id", "inputs", "outputs", "initErrors", "refreshBeforeUpdate"];
/** Fields the engine writes from the program, its options and its own bookkeeping. */
export const ENGINE_FIELDS = [
    "urn",
    "custom",
    "delete",
    "type",
    "parent",
    "protect",
    "taint",
    "external",
    "dependencies",
    "provider",
    "propertyDependencies",
    "pendingReplacement",
    "additionalSecretOutputs",
    "aliases",
    "customTimeouts",
    "importID",
    "retainOnDelete",
    "deletedWith",
    "replaceWith",
    "created",
    "modified",
    "ignoreChanges",
    "hideDiff",
    "replaceOnChanges",
    "replacementTrigger",
    "viewOf",
    "resourceHooks",
];
/** The program's call site, as the engine records it: issue 29's measure leaves these out. */
export const CALL_SITE_FIELDS = ["sourcePosition", "stackTrace"];

export interface TokenStateSize {
    urn: string;
    /** The provider's own: JSON of the record's PROVIDER_FIELDS, without `__provider`. */
    bytes: number;
    /** Of those, JSON.stringify(inputs) + JSON.stringify(outputs), without `__provider`. */
    inputsOutputsBytes: number;
    /** Bytes of the dynamic door's `__provider` in inputs and outputs (0 for the plugin). */
    serializedProviderBytes: number;
    /** JSON of the record's ENGINE_FIELDS. */
    engineBytes: number;
    /** Issue 29's measure: JSON of the whole record without CALL_SITE_FIELDS. */
    recordBytes: number;
    /** Fields of the record in none of the lists (a newer engine's): the accounting misses them. */
    unaccounted: string[];
}

type Props = Record<string, unknown> | undefined;

function json(value: unknown): number {
    return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

function withoutProvider(props: Props): [Props, number] {
    if (!props || !("__provider" in props)) return [props, 0];
    const { __provider: serialized, ...rest } = props;
    return [rest, json(serialized)];
}

function only(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(record).filter(([k]) => fields.includes(k)));
}

/** Each token's state, measured both ways, from a stack export's `deployment.resources`. */
export function tokenStateSizes(resources: readonly Record<string, unknown>[]): TokenStateSize[] {
    const known = [...PROVIDER_FIELDS, ...ENGINE_FIELDS, ...CALL_SITE_FIELDS];
    return resources
        .filter((r) => isPersonalAccessTokenType(r.type))
        .map((r) => {
            const [inputs, inProvider] = withoutProvider(r.inputs as Props);
            const [outputs, outProvider] = withoutProvider(r.outputs as Props);
            const own = only({ ...r, inputs, outputs }, PROVIDER_FIELDS);
            const whole = Object.fromEntries(
                Object.entries(r).filter(([k]) => !CALL_SITE_FIELDS.includes(k)),
            );
            return {
                urn: String(r.urn),
                bytes: json(own),
                inputsOutputsBytes: json(inputs) + json(outputs),
                serializedProviderBytes: inProvider + outProvider,
                engineBytes: json(only(r, ENGINE_FIELDS)),
                recordBytes: json(whole),
                unaccounted: Object.keys(r).filter((k) => !known.includes(k)),
            };
        });
}

/** One line of figures for an assertion's message. */
export function describeSize(size: TokenStateSize): string {
    return `${size.urn}: ${size.bytes} B the provider's own (inputs and outputs ${size.inputsOutputsBytes} B), ${size.engineBytes} B the engine's fields, ${size.serializedProviderBytes} B __provider; the whole record without sourcePosition/stackTrace ${size.recordBytes} B`;
}

/** The most bytes the provider's own state per token (`bytes`) may take: issue 29's figure. */
export const STATE_BYTES_PER_TOKEN = 1000;
/**
 * The provider's own state per token is at most STATE_BYTES_PER_TOKEN, and every field of the record
 * is accounted for (a field in none of the lists would be counted nowhere).
 */
export function assertStateSize(size: TokenStateSize): void {
    assert.deepEqual(size.unaccounted, [], `${size.urn}: fields neither the provider's nor the engine's`);
    assert.ok(size.bytes <= STATE_BYTES_PER_TOKEN, describeSize(size));
}

/** Outputs a state written before the lean form held on every token, which the lean form leaves out. */
export const IMPLIED_OUTPUTS = [
    "apiVersion",
    "accessTokenValiditySeconds",
    "lastUsed",
    "managed",
    "secretKnown",
    "userAwareTokenNeverExpires",
    "expirationDateSource",
];

type StoredToken = { urn: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };

/** The PersonalAccessToken resources of a stack export. */
export function tokensOf(resources: readonly Record<string, unknown>[]): StoredToken[] {
    return resources.filter((r) => isPersonalAccessTokenType(r.type)) as StoredToken[];
}

/** The outputs as the state held them before the lean form: every value spelled out, as main wrote them. */
export function writtenBefore(lean: TokenOutputs): TokenOutputs {
    const version = versionOf(lean);
    return {
        ...lean,
        apiVersion: version,
        accessTokenValiditySeconds: lean.accessTokenValiditySeconds ?? 43200,
        lastUsed: lean.lastUsed ?? null,
        managed: lean.managed ?? false,
        secretKnown: secretKnownOf(lean),
        expirationDateSource: expirySourceOf(lean),
        ...(MODERN_VERSIONS.includes(version)
            ? { userAwareTokenNeverExpires: lean.userAwareTokenNeverExpires ?? false }
            : {}),
    };
}

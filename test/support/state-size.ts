// The provider's own state per token, as `pulumi stack export` holds it (secrets encrypted): the JSON
// of each PersonalAccessToken's inputs and outputs. Not counted: what the engine records around them
// (urn, parent, sourcePosition, stackTrace, ...) and the dynamic door's `__provider`, the SDK's
// serialized code (the same require() in every resource, in inputs and outputs), reported apart.
import { expirySourceOf, secretKnownOf, versionOf } from "../../provider/rules/stored";
import { isPersonalAccessTokenType, type TokenOutputs } from "../../provider/rules/types";
import { MODERN_VERSIONS } from "../../provider/rules/versions";

export interface TokenStateSize {
    urn: string;
    /** Bytes of JSON.stringify(inputs) + JSON.stringify(outputs), without `__provider`. */
    bytes: number;
    /** Bytes of the dynamic door's `__provider` in inputs and outputs (0 for the plugin). */
    serializedProviderBytes: number;
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

/** Each token's own state bytes, from a stack export's `deployment.resources`. */
export function tokenStateSizes(resources: readonly Record<string, unknown>[]): TokenStateSize[] {
    return resources
        .filter((r) => isPersonalAccessTokenType(r.type))
        .map((r) => {
            const [inputs, inProvider] = withoutProvider(r.inputs as Props);
            const [outputs, outProvider] = withoutProvider(r.outputs as Props);
            return {
                urn: String(r.urn),
                bytes: json(inputs) + json(outputs),
                serializedProviderBytes: inProvider + outProvider,
            };
        });
}

/** The most bytes a token's own state (inputs and outputs, without `__provider`) may take. */
export const STATE_BYTES_PER_TOKEN = 1000;
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

/** The PersonalAccessToken resources of a stack export. */
export function tokensOf(
    resources: readonly Record<string, unknown>[],
): { urn: string; outputs: Record<string, unknown> }[] {
    return resources.filter((r) => isPersonalAccessTokenType(r.type)) as {
        urn: string;
        outputs: Record<string, unknown>;
    }[];
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

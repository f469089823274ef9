// The resource class a Pulumi program uses.
import * as pulumi from "@pulumi/pulumi";
import type { ApiVersion, TokenOwner } from "../../wire/api-types";
// The state holds this module's path: it must stay provider/serialized-provider (a re-export).
import * as serializedProviderModule from "../serialized-provider";
import {
    INPUT_NAMES,
    OUTPUT_ONLY_NAMES,
    type ExpirationDateSource,
    type NameConflictPolicy,
    type PreviousGeneration,
    type RotationSettings,
} from "../rules/types";

export interface PersonalAccessTokenArgs {
    /** The token's name; unique among the owner's tokens. */
    name: pulumi.Input<string>;
    /** Scopes, e.g. ["sp:scopes:default"]; omitted or null means ["sp:scopes:all"]. */
    scope?: pulumi.Input<pulumi.Input<string>[] | null>;
    /** RFC 3339 instant in the future; see the README for the per-version rules. */
    expirationDate?: pulumi.Input<string | null>;
    /** v2025/v2026/v1: true acknowledges a token that never expires. */
    userAwareTokenNeverExpires?: pulumi.Input<boolean | null>;
    /** Lifetime of minted bearer tokens, 15 to 43200 seconds. A change replaces the token. */
    accessTokenValiditySeconds?: pulumi.Input<number | null>;
    /** beta, v3, v2024, v2025, v2026 or v1; default: the provider's apiVersion setting, else v1. */
    apiVersion?: pulumi.Input<ApiVersion>;
    /** Automatic renewal; excludes expirationDate. See the README's "Rotation and expiry". */
    rotation?: pulumi.Input<{
        expiresInDays: pulumi.Input<number>;
        rotateBeforeDays: pulumi.Input<number>;
        /** After a rotation the previous token keeps working this many days more (default 0). */
        overlapDays?: pulumi.Input<number>;
    }>;
    /** Take over the existing token with this id at creation; see the README's "Adopting existing tokens". */
    adoptTokenId?: pulumi.Input<string>;
    /** What creation does when the owner already has a token of this name: "fail" (default), "adopt", "replace". */
    onNameConflict?: pulumi.Input<NameConflictPolicy>;
    /** true: the next up replaces a token whose secret is unknown (an adopted one). */
    replaceIfSecretUnknown?: pulumi.Input<boolean | null>;
}

/** The module whose exports are the provider: see serialized-provider.ts for why it is a module. */
const serializedProvider: pulumi.dynamic.ResourceProvider = serializedProviderModule;

/** Every output, unset: the engine fills in only the properties a resource is constructed with. */
const EVERY_OUTPUT = Object.fromEntries(
    [...INPUT_NAMES, ...OUTPUT_ONLY_NAMES].map((name) => [name, undefined]),
);

/** A SailPoint Identity Security Cloud personal access token. Its `id` is the token's client id. */
export class PersonalAccessToken extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly scope: pulumi.Output<string[] | null>;
    declare readonly expirationDate: pulumi.Output<string | null>;
    declare readonly userAwareTokenNeverExpires: pulumi.Output<boolean | undefined>;
    declare readonly accessTokenValiditySeconds: pulumi.Output<number>;
    declare readonly apiVersion: pulumi.Output<ApiVersion>;
    /** The secret that pairs with `id`; a Pulumi secret, returned by the API only at creation. */
    declare readonly secret: pulumi.Output<string>;
    declare readonly owner: pulumi.Output<TokenOwner>;
    declare readonly created: pulumi.Output<string>;
    declare readonly lastUsed: pulumi.Output<string | null>;
    declare readonly managed: pulumi.Output<boolean>;
    declare readonly expirationDateSource: pulumi.Output<ExpirationDateSource>;
    declare readonly rotation: pulumi.Output<RotationSettings | undefined>;
    /** The name at the API: name, plus the generation's creation time when rotation is on. */
    declare readonly tokenName: pulumi.Output<string>;
    /** With rotation: from when the next preview/up rotates the token. */
    declare readonly rotationDueAt: pulumi.Output<string | null>;
    /** With rotation.overlapDays: the previous token while its overlap lasts (never its secret). */
    declare readonly previousGeneration: pulumi.Output<PreviousGeneration | undefined>;
    /** The id taken over at creation, for an adopted token. */
    declare readonly adoptTokenId: pulumi.Output<string | undefined>;
    declare readonly onNameConflict: pulumi.Output<NameConflictPolicy | undefined>;
    declare readonly replaceIfSecretUnknown: pulumi.Output<boolean | undefined>;
    /** Whether `secret` holds the token's secret: false for an adopted token until it is replaced. */
    declare readonly secretKnown: pulumi.Output<boolean>;
    /** The tenant's canonical API root where the token lives. */
    declare readonly tenant: pulumi.Output<string | undefined>;

    constructor(name: string, args: PersonalAccessTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            serializedProvider,
            name,
            { ...EVERY_OUTPUT, ...args },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secret"] }),
            "sailpoint",
            "PersonalAccessToken",
        );
    }
}

// Compile-time proof that the class declares every output the types name.
const _allDeclared: Exclude<
    (typeof INPUT_NAMES)[number] | (typeof OUTPUT_ONLY_NAMES)[number],
    keyof PersonalAccessToken
> extends never
    ? true
    : never = true;
void _allDeclared;

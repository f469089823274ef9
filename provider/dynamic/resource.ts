// The resource class a Pulumi program uses. Its arguments and outputs, with their doc comments, are
// generated from schema.json (scripts/gen-dynamic-types.ts).
import * as pulumi from "@pulumi/pulumi";
import type { ApiVersion, TokenOwner } from "../../wire/api-types";
// The state holds this module's path: it must stay provider/serialized-provider (a re-export).
import * as serializedProviderModule from "../serialized-provider";
import {
    INPUT_NAMES,
    OUTPUT_ONLY_NAMES,
    type PreviousGeneration,
    type RotationSettings,
} from "../rules/types";

export interface PersonalAccessTokenArgs {
    // <generated args> by npm run gen-types from schema.json: do not edit
    /** The token's name. Unique among the owner's tokens. Updates in place. */
    name: pulumi.Input<string>;
    /** Authorization scopes, at least one, e.g. sp:scopes:default. Omitted or null means ["sp:scopes:all"]. Compared as a set. Updates in place. */
    scope?: pulumi.Input<pulumi.Input<string>[] | null>;
    /** When the token expires (RFC 3339), in the future; at most 6 months ahead on beta/v3/v2024, where omitting it means 6 months after creation. On v2025/v2026/v1 omitting it means never, which needs userAwareTokenNeverExpires. Updates in place on v2025/v2026/v1, replaces on older versions. Excludes rotation. */
    expirationDate?: pulumi.Input<string | null>;
    /** v2025/v2026/v1 only: true acknowledges a token that never expires; required when expirationDate is omitted there. Refused on beta/v3/v2024. */
    userAwareTokenNeverExpires?: pulumi.Input<boolean | null>;
    /** Lifetime in seconds of the bearer tokens minted with this token, 15 to 43200 (the default). A change replaces the token. */
    accessTokenValiditySeconds?: pulumi.Input<number | null>;
    /** The API version to call: beta, v3, v2024, v2025, v2026 or v1. Default: the provider's apiVersion setting (see Configuration), else v1. A change alone changes nothing. */
    apiVersion?: pulumi.Input<ApiVersion>;
    /** Automatic renewal, {expiresInDays, rotateBeforeDays, overlapDays}: every token expires expiresInDays after creation, and the first preview/up inside the last rotateBeforeDays replaces it, the new token first; the previous token keeps working overlapDays more (default 0). Excludes expirationDate. */
    rotation?: pulumi.Input<{
        /** Each token this resource makes expires this many days after its creation: at most 36500 (100 years), and at most 180 (6 months less a day of margin) on beta/v3/v2024. */
        expiresInDays: pulumi.Input<number>;
        /** From this many days before expiry on, the next preview/up replaces the token with a fresh one. Smaller than expiresInDays. */
        rotateBeforeDays: pulumi.Input<number>;
        /** After a rotation the previous token keeps working this many days more, at most until its own expiry, for consumers outside the program that pick up the new secret later. Default 0: it is deleted in the same up. */
        overlapDays?: pulumi.Input<number>;
    }>;
    /** Take over the existing token with this id at creation instead of making a new one: it must belong to the API client's identity; what differs from the declaration is patched, the id is kept. Its secret stays unknown (secretKnown false). Read only at creation. */
    adoptTokenId?: pulumi.Input<string>;
    /** What creation does when the owner already has a token of this name: fail (the default) names that token and how to recover; adopt takes it over as adoptTokenId does; replace deletes it and makes a new one. */
    onNameConflict?: pulumi.Input<"fail" | "adopt" | "replace">;
    /** true: the next up replaces a token whose secret is unknown (an adopted one), so that the state holds a usable secret. Default false: an adopted token is kept. */
    replaceIfSecretUnknown?: pulumi.Input<boolean | null>;
    // </generated args>
}

/** The module whose exports are the provider: see serialized-provider.ts for why it is a module. */
const serializedProvider: pulumi.dynamic.ResourceProvider = serializedProviderModule;

/** Every output, unset: the engine fills in only the properties a resource is constructed with. */
const EVERY_OUTPUT = Object.fromEntries(
    [...INPUT_NAMES, ...OUTPUT_ONLY_NAMES].map((name) => [name, undefined]),
);

/** A SailPoint Identity Security Cloud personal access token. Its `id` is the token's client id. */
export class PersonalAccessToken extends pulumi.dynamic.Resource {
    // <generated outputs> by npm run gen-types from schema.json: do not edit
    /** The token's name, as declared. */
    declare readonly name: pulumi.Output<string>;
    /** The token's scopes; null means sp:scopes:all. */
    declare readonly scope: pulumi.Output<string[] | null | undefined>;
    /** When the token expires; null when it never does. */
    declare readonly expirationDate: pulumi.Output<string | null | undefined>;
    /** The never-expires acknowledgment, on v2025/v2026/v1: true, or absent for false (the state stores no default). */
    declare readonly userAwareTokenNeverExpires: pulumi.Output<boolean | null | undefined>;
    /** Lifetime of minted bearer tokens; absent means 43200, the API's default. */
    declare readonly accessTokenValiditySeconds: pulumi.Output<number | undefined>;
    /** The API version used; absent means v1. */
    declare readonly apiVersion: pulumi.Output<ApiVersion | undefined>;
    /** The rotation settings, when declared. */
    declare readonly rotation: pulumi.Output<RotationSettings | undefined>;
    /** The id of the token taken over at creation (adoptTokenId, or onNameConflict adopt); absent for a token this resource made. */
    declare readonly adoptTokenId: pulumi.Output<string | undefined>;
    /** The name-conflict policy, when declared. */
    declare readonly onNameConflict: pulumi.Output<"fail" | "adopt" | "replace" | undefined>;
    /** The opt-in to replace a token whose secret is unknown, when declared. */
    declare readonly replaceIfSecretUnknown: pulumi.Output<boolean | null | undefined>;
    /** The token's secret, returned by the API only at creation. A Pulumi secret: encrypted in state and masked in the CLI's output (but printed by the engine's --debug and -v logging). Pair it with the resource id (the client id). */
    declare readonly secret: pulumi.Output<string>;
    /** The identity that owns the token: {type, id, name}. */
    declare readonly owner: pulumi.Output<TokenOwner>;
    /** When the token was created. */
    declare readonly created: pulumi.Output<string>;
    /** When the token was last used (the API updates it at most once a day); absent if never (a state written by an earlier version says null). */
    declare readonly lastUsed: pulumi.Output<string | null | undefined>;
    /** True for tokens the platform itself manages (e.g. made by Workflows); absent means false. */
    declare readonly managed: pulumi.Output<boolean | undefined>;
    /** Where expirationDate comes from: the input, the API's default of 6 months after creation (beta/v3/v2024 without expirationDate), never (v2025/v2026/v1 without expirationDate), or rotation. Absent when the other outputs say it: rotation when rotation is set, else never when expirationDate is null, else the input. */
    declare readonly expirationDateSource: pulumi.Output<
        "input" | "apiDefault" | "neverExpires" | "rotation" | undefined
    >;
    /** With rotation: the token's name at the API, name plus the generation's creation time and a random part (-YYYYMMDDTHHMMSSZ-xxxxxxxx), so that no two generations clash, even of two resources of one name made in the same second. Without rotation the API's name is name, and this output is absent. */
    declare readonly tokenName: pulumi.Output<string | undefined>;
    /** With rotation: from when the next preview/up rotates the token (expirationDate minus rotateBeforeDays), for a pipeline to alert on. Absent without rotation. */
    declare readonly rotationDueAt: pulumi.Output<string | null | undefined>;
    /** With rotation.overlapDays: the previous token while its overlap lasts, {id, tokenName, worksUntil}: its client id, its name at the API and until when it works (never its secret), for a pipeline to alert on. The first up after worksUntil deletes it and removes this output. */
    declare readonly previousGeneration: pulumi.Output<PreviousGeneration | undefined>;
    /** Whether secret holds the token's secret: false (secret empty) for an adopted token (the API returns a secret only at creation) until it is replaced; absent means true. */
    declare readonly secretKnown: pulumi.Output<boolean | undefined>;
    /** The tenant the token lives at: its canonical API root, e.g. https://acme.api.identitynow.com, recorded by every create, read and update. A provider at another tenant, or acting as another identity than owner, never reads, changes or deletes the token on trust. Absent from a state written before it existed, until an operation touches the token. */
    declare readonly tenant: pulumi.Output<string | undefined>;
    // </generated outputs>

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

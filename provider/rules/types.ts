// The resource's plain (unwrapped) inputs and outputs, and their names. schema.json is their source
// of truth: the regions between "generated" markers are written from it by `npm run gen-types`
// (scripts/gen-dynamic-types.ts), and test/unit/dynamic-types.test.ts fails when they drift.
import type { ApiVersion, TokenOwner } from "../../wire/api-types";

export interface RotationSettings {
    // <generated rotation> by npm run gen-types from schema.json: do not edit
    /** Each token this resource makes expires this many days after its creation: at most 36500 (100 years), and at most 180 (6 months less a day of margin) on beta/v3/v2024. */
    expiresInDays: number;
    /** From this many days before expiry on, the next preview/up replaces the token with a fresh one. Smaller than expiresInDays. */
    rotateBeforeDays: number;
    /** After a rotation the previous token keeps working this many days more, at most until its own expiry, for consumers outside the program that pick up the new secret later. Default 0: it is deleted in the same up. */
    overlapDays?: number;
    // </generated rotation>
}

/** The generation a rotation replaced, while its overlap lasts: never its secret. */
export interface PreviousGeneration {
    // <generated previous generation> by npm run gen-types from schema.json: do not edit
    /** The previous token's id (its client id). */
    id: string;
    /** The previous token's name at the API. */
    tokenName: string;
    /** Until when the previous token works: the rotation time plus overlapDays, or its own expiry if earlier. */
    worksUntil: string;
    // </generated previous generation>
}

export interface TokenInputs {
    // <generated inputs> by npm run gen-types from schema.json: do not edit
    /** The token's name. Unique among the owner's tokens. Updates in place. */
    name: string;
    /** Authorization scopes, at least one, e.g. sp:scopes:default. Omitted or null means ["sp:scopes:all"]. Compared as a set. Updates in place. */
    scope?: string[] | null;
    /** When the token expires (RFC 3339), in the future; at most 6 months ahead on beta/v3/v2024, where omitting it means 6 months after creation. On v2025/v2026/v1 omitting it means never, which needs userAwareTokenNeverExpires. Updates in place on v2025/v2026/v1, replaces on older versions. Excludes rotation. */
    expirationDate?: string | null;
    /** v2025/v2026/v1 only: true acknowledges a token that never expires; required when expirationDate is omitted there. Refused on beta/v3/v2024. */
    userAwareTokenNeverExpires?: boolean | null;
    /** Lifetime in seconds of the bearer tokens minted with this token, 15 to 43200 (the default). A change replaces the token. */
    accessTokenValiditySeconds?: number | null;
    /** The API version to call: beta, v3, v2024, v2025, v2026 or v1. Default: the provider's apiVersion setting (see Configuration), else v1. A change alone changes nothing. */
    apiVersion?: ApiVersion;
    /** Automatic renewal, {expiresInDays, rotateBeforeDays, overlapDays}: every token expires expiresInDays after creation, and the first preview/up inside the last rotateBeforeDays replaces it, the new token first; the previous token keeps working overlapDays more (default 0). Excludes expirationDate. */
    rotation?: RotationSettings;
    /** Take over the existing token with this id at creation instead of making a new one: it must belong to the API client's identity; what differs from the declaration is patched, the id is kept. Its secret stays unknown (secretKnown false). Read only at creation. */
    adoptTokenId?: string;
    /** What creation does when the owner already has a token of this name: fail (the default) names that token and how to recover; adopt takes it over as adoptTokenId does; replace deletes it and makes a new one. */
    onNameConflict?: "fail" | "adopt" | "replace";
    /** true: the next up replaces a token whose secret is unknown (an adopted one), so that the state holds a usable secret. Default false: an adopted token is kept. */
    replaceIfSecretUnknown?: boolean | null;
    // </generated inputs>
}

/** What creation does when the owner already has a token of the declared name. Default "fail". */
export type NameConflictPolicy = NonNullable<TokenInputs["onNameConflict"]>;

/** Inputs after check: the API version is always resolved. */
export interface CheckedInputs extends TokenInputs {
    apiVersion: ApiVersion;
}

/**
 * The outputs as stored: what the API's default or the other outputs already say is left out, and
 * absent means that value (provider/rules/stored.ts reads them: apiVersion absent is v1,
 * accessTokenValiditySeconds 43200, lastUsed never (null), managed false, secretKnown true,
 * userAwareTokenNeverExpires false, expirationDateSource the one the other outputs imply).
 */
export interface TokenOutputs extends TokenInputs {
    // <generated outputs> by npm run gen-types from schema.json: do not edit
    /** The token's secret, returned by the API only at creation. A Pulumi secret: encrypted in state and masked in the CLI's output (but printed by the engine's --debug and -v logging). Pair it with the resource id (the client id). */
    secret: string;
    /** The identity that owns the token: {type, id, name}. */
    owner: TokenOwner;
    /** When the token was created. */
    created: string;
    /** When the token was last used (the API updates it at most once a day); absent if never (a state written by an earlier version says null). */
    lastUsed?: string | null;
    /** True for tokens the platform itself manages (e.g. made by Workflows); absent means false. */
    managed?: boolean;
    /** Where expirationDate comes from: the input, the API's default of 6 months after creation (beta/v3/v2024 without expirationDate), never (v2025/v2026/v1 without expirationDate), or rotation. Absent when the other outputs say it: rotation when rotation is set, else never when expirationDate is null, else the input. */
    expirationDateSource?: "input" | "apiDefault" | "neverExpires" | "rotation";
    /** With rotation: the token's name at the API, name plus the generation's creation time and a random part (-YYYYMMDDTHHMMSSZ-xxxxxxxx), so that no two generations clash, even of two resources of one name made in the same second. Without rotation the API's name is name, and this output is absent. */
    tokenName?: string;
    /** With rotation: from when the next preview/up rotates the token (expirationDate minus rotateBeforeDays), for a pipeline to alert on. Absent without rotation. */
    rotationDueAt?: string | null;
    /** With rotation.overlapDays: the previous token while its overlap lasts, {id, tokenName, worksUntil}: its client id, its name at the API and until when it works (never its secret), for a pipeline to alert on. The first up after worksUntil deletes it and removes this output. */
    previousGeneration?: PreviousGeneration;
    /** Whether secret holds the token's secret: false (secret empty) for an adopted token (the API returns a secret only at creation) until it is replaced; absent means true. */
    secretKnown?: boolean;
    /** The tenant the token lives at: its canonical API root, e.g. https://acme.api.identitynow.com, recorded by every create, read and update. A provider at another tenant, or acting as another identity than owner, never reads, changes or deletes the token on trust. Absent from a state written before it existed, until an operation touches the token. */
    tenant?: string;
    // </generated outputs>
}

export type ExpirationDateSource = NonNullable<TokenOutputs["expirationDateSource"]>;

// <generated names> by npm run gen-types from schema.json: do not edit
export const INPUT_NAMES = [
    "name",
    "scope",
    "expirationDate",
    "userAwareTokenNeverExpires",
    "accessTokenValiditySeconds",
    "apiVersion",
    "rotation",
    "adoptTokenId",
    "onNameConflict",
    "replaceIfSecretUnknown",
] as const;
export const OUTPUT_ONLY_NAMES = [
    "secret",
    "owner",
    "created",
    "lastUsed",
    "managed",
    "expirationDateSource",
    "tokenName",
    "rotationDueAt",
    "previousGeneration",
    "secretKnown",
    "tenant",
] as const;
// </generated names>

// Compile-time proof that the lists above name every key.
type Missing<T, L extends readonly unknown[]> = Exclude<keyof T, L[number]>;
const _allInputs: Missing<TokenInputs, typeof INPUT_NAMES> extends never ? true : never = true;
const _allOutputs: Missing<Omit<TokenOutputs, keyof TokenInputs>, typeof OUTPUT_ONLY_NAMES> extends never
    ? true
    : never = true;
void _allInputs;
void _allOutputs;

/** The value the engine sends for properties it does not know yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** The type token of PersonalAccessToken: dynamic/resource.ts registers module "sailpoint", type "PersonalAccessToken". */
export const PERSONAL_ACCESS_TOKEN_TYPE = "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken";

/** The package of the native plugin (pulumi-resource-iscpat), and its PersonalAccessToken's type token. */
export const NATIVE_PACKAGE = "iscpat";
export const NATIVE_PERSONAL_ACCESS_TOKEN_TYPE = `${NATIVE_PACKAGE}:index:PersonalAccessToken`;

/** Whether a resource is a PersonalAccessToken of either door (the dynamic resource or the native plugin's). */
export function isPersonalAccessTokenType(type: unknown): boolean {
    return type === PERSONAL_ACCESS_TOKEN_TYPE || type === NATIVE_PERSONAL_ACCESS_TOKEN_TYPE;
}

// The resource's plain (unwrapped) inputs and outputs. schema.json is their source of truth;
// test/schema.test.ts checks that these names match it.
import type { ApiVersion, TokenOwner } from "../../wire/api-types";

export interface RotationSettings {
    expiresInDays: number;
    rotateBeforeDays: number;
    /** After a rotation the previous generation keeps working this many days more (default 0). */
    overlapDays?: number;
}

/** The generation a rotation replaced, while its overlap lasts: never its secret. */
export interface PreviousGeneration {
    id: string;
    tokenName: string;
    worksUntil: string;
}

export interface TokenInputs {
    name: string;
    scope?: string[] | null;
    expirationDate?: string | null;
    userAwareTokenNeverExpires?: boolean | null;
    accessTokenValiditySeconds?: number | null;
    apiVersion?: ApiVersion;
    rotation?: RotationSettings;
    /** Take over this existing token at creation (see provider/create/adopt.ts). */
    adoptTokenId?: string;
    /** What creation does when the owner already has a token of the declared name. Default "fail". */
    onNameConflict?: NameConflictPolicy;
    /** Opt-in: replace a token whose secret is unknown (an adopted one). */
    replaceIfSecretUnknown?: boolean | null;
}

export type NameConflictPolicy = "fail" | "adopt" | "replace";

/** Inputs after check: the API version is always resolved. */
export interface CheckedInputs extends TokenInputs {
    apiVersion: ApiVersion;
}

export type ExpirationDateSource = "input" | "apiDefault" | "neverExpires" | "rotation";

/**
 * The outputs as stored: what the API's default or the other outputs already say is left out, and
 * absent means that value (provider/rules/stored.ts reads them: apiVersion absent is v1,
 * accessTokenValiditySeconds 43200, lastUsed never (null), managed false, secretKnown true,
 * userAwareTokenNeverExpires false, expirationDateSource the one the other outputs imply).
 */
export interface TokenOutputs extends TokenInputs {
    secret: string;
    owner: TokenOwner;
    created: string;
    lastUsed?: string | null;
    managed?: boolean;
    expirationDateSource?: ExpirationDateSource;
    /** With rotation only. */
    tokenName?: string;
    /** With rotation only. */
    rotationDueAt?: string | null;
    /** With rotation.overlapDays, while the previous generation's overlap lasts. */
    previousGeneration?: PreviousGeneration;
    /** Whether `secret` holds the token's secret (false for an adopted token). */
    secretKnown?: boolean;
    /** The tenant's canonical API root where the token lives (absent in states written before it). */
    tenant?: string;
}

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
] as const satisfies readonly (keyof TokenInputs)[];

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
] as const satisfies readonly Exclude<keyof TokenOutputs, keyof TokenInputs>[];

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

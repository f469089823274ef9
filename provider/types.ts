// The resource's plain (unwrapped) inputs and outputs. schema.json is their source of truth;
// test/schema.test.ts checks that these names match it.
import type { ApiVersion, TokenOwner } from "./api-types";

export interface RotationSettings {
    expiresInDays: number;
    rotateBeforeDays: number;
}

export interface TokenInputs {
    name: string;
    scope?: string[] | null;
    expirationDate?: string | null;
    userAwareTokenNeverExpires?: boolean | null;
    accessTokenValiditySeconds?: number | null;
    apiVersion?: ApiVersion;
    rotation?: RotationSettings;
}

/** Inputs after check: the API version is always resolved. */
export interface CheckedInputs extends TokenInputs {
    apiVersion: ApiVersion;
}

export type ExpirationDateSource = "input" | "apiDefault" | "neverExpires" | "rotation";

export interface TokenOutputs extends CheckedInputs {
    secret: string;
    owner: TokenOwner;
    created: string;
    lastUsed: string | null;
    managed: boolean;
    expirationDateSource: ExpirationDateSource;
    /** With rotation only. */
    tokenName?: string;
    /** With rotation only. */
    rotationDueAt?: string | null;
}

export const INPUT_NAMES = [
    "name",
    "scope",
    "expirationDate",
    "userAwareTokenNeverExpires",
    "accessTokenValiditySeconds",
    "apiVersion",
    "rotation",
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

// The outputs in state, before diff, read, update or delete rely on their shapes: a state edited by
// hand (or written by something else) may hold any JSON. A malformed value is named, with what it
// must be, instead of surfacing as a TypeError deep in a decision. Pure.
import { isRfc3339 } from "./dates";
import type { TokenInputs, TokenOutputs } from "./types";
import { isApiVersion, notAVersion } from "./versions";

/** A property's check, and what it must be (or, for the API version, the version table's wording). */
type Rule = [
    property: string,
    valid: (value: unknown) => boolean,
    what: string | ((value: unknown) => string),
];

const isString = (v: unknown): v is string => typeof v === "string";
const optional =
    (valid: (v: unknown) => boolean) =>
    (v: unknown): boolean =>
        v === undefined || v === null || valid(v);
const isDate = (v: unknown): boolean => isString(v) && isRfc3339(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
const wholeNumber = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;

const RULES: Rule[] = [
    ["name", optional(isString), "a string"],
    ["tokenName", optional(isString), "a string"],
    ["secret", optional(isString), "a string"],
    ["adoptTokenId", optional(isString), "a token id (a string)"],
    ["apiVersion", optional(isApiVersion), notAVersion],
    [
        "scope",
        optional((v) => Array.isArray(v) && v.every(isString)),
        'a list of scope strings such as ["sp:scopes:default"], or null',
    ],
    ["expirationDate", optional(isDate), "an RFC 3339 date-time string, or null"],
    ["accessTokenValiditySeconds", optional(wholeNumber), "a whole number of seconds"],
    [
        "rotation",
        optional(
            (v) =>
                isRecord(v) &&
                wholeNumber(v.expiresInDays) &&
                wholeNumber(v.rotateBeforeDays) &&
                optional(wholeNumber)(v.overlapDays),
        ),
        "an object {expiresInDays, rotateBeforeDays, overlapDays} of whole numbers of days",
    ],
    [
        "previousGeneration",
        optional((v) => isRecord(v) && isString(v.id) && isString(v.tokenName) && isDate(v.worksUntil)),
        "an object {id, tokenName, worksUntil} (worksUntil an RFC 3339 date-time)",
    ],
    ["owner", optional((v) => isRecord(v) && optional(isString)(v.id)), "an object {type, id, name}"],
];

/**
 * The problems of the outputs in state, as "property must be ..., got ...", or [] when every
 * property the lifecycle reads (or those `only` names) has its shape.
 */
export function stateProblems(state: unknown, only?: readonly string[]): string[] {
    if (!isRecord(state)) return [`the state must be an object, got ${shown(state)}`];
    const rules = only ? RULES.filter(([property]) => only.includes(property)) : RULES;
    return rules
        .filter(([property, valid]) => !valid(state[property]))
        .map(([property, , what]) =>
            typeof what === "string"
                ? `${property} must be ${what}, got ${shown(state[property])}`
                : `${property} ${what(state[property])}`,
        );
}

/** The outputs in state, typed, when every property the lifecycle reads (or those `only` names) has its shape. */
export function isTokenState(state: object, only?: readonly string[]): state is TokenOutputs {
    return stateProblems(state, only).length === 0;
}

/**
 * Inputs that came through check: a name, and an API version unless it is v1 (either may be unknown
 * at preview). The engine calls check before diff; a door that did not is told so.
 */
export function isCheckedInputs(inputs: object): inputs is TokenInputs {
    return (
        "name" in inputs &&
        typeof inputs.name === "string" &&
        (!("apiVersion" in inputs) || typeof inputs.apiVersion === "string")
    );
}

/** The error for a malformed state: which token, which properties, and the way out. */
export function malformedStateMessage(id: string, operation: string, problems: readonly string[]): string {
    return `PersonalAccessToken ${id}: its state cannot be used for ${operation} (nothing was sent): ${problems.join("; ")}. The state was changed outside the provider: correct these properties (pulumi stack export, edit, pulumi stack import), or remove the resource from the state (pulumi state delete) and adopt the token again (adoptTokenId or pulumi import)`;
}

function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

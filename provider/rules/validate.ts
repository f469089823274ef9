// check(): schema.json through ajv, then the rules that cross fields and API versions.
// Pure: the caller passes "now" and the default API version; nothing here does I/O.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import schema from "../../schema.json";
import type { ApiVersion } from "../../wire/api-types";
import { addDays, hasPassed, instantMs, isLeapSecond, isRfc3339, wireInstant } from "./dates";
import { sameInstant } from "./equality";
import { INPUT_NAMES, isUnknown, type CheckedInputs } from "./types";
import {
    LEGACY_MAX_EXPIRES_IN_DAYS,
    MODERN_VERSIONS_TEXT,
    orList,
    hasModernExpiry,
    isApiVersion,
    legacyExpiryLimit,
    notAVersion,
} from "./versions";

export interface CheckFailure {
    property: string;
    reason: string;
}

export interface ValidationContext {
    now: Date;
    /** The version used when the inputs name none (the provider's apiVersion setting, else v1). */
    defaultApiVersion: ApiVersion;
    /**
     * The inputs in state (check's `olds`). An expirationDate they already held (the same instant)
     * passed check then and is not judged against `now` again: a date that has passed since must not
     * block every later preview of the stack (diff warns instead). Only a newly declared date is.
     */
    prior?: object;
}

export interface ValidationResult {
    inputs: CheckedInputs;
    failures: CheckFailure[];
}

/** A date for messages, derived from `now` so that no hint ever suggests a date that has passed. */
function exampleDate(now: Date): string {
    const day = wireInstant(addDays(now, 90)).slice(0, 10);
    return `${day}T00:00:00Z`;
}

function formatReason(example: string): string {
    return `must be an RFC 3339 date-time with a time zone, e.g. "${example}"`;
}

let compiled: ValidateFunction | undefined;
function inputValidator(): ValidateFunction {
    if (!compiled) {
        const ajv = new Ajv({ allErrors: true, strict: true });
        // The schema's format is dates.ts's decision; a leap second passes it and check refuses it.
        ajv.addFormat("date-time", (value: string) => isRfc3339(value) || isLeapSecond(value));
        ajv.addSchema(schema, "schema");
        compiled = ajv.getSchema("schema#/definitions/inputs");
        if (!compiled) throw new Error("schema.json has no definitions/inputs");
    }
    return compiled;
}

/** Validates the inputs of a PersonalAccessToken and fills in the API version. */
export function validateInputs(raw: object, ctx: ValidationContext): ValidationResult {
    const inputs: Record<string, unknown> = { ...raw };
    if (inputs.apiVersion === undefined || inputs.apiVersion === null)
        inputs.apiVersion = ctx.defaultApiVersion;

    const validate = inputValidator();
    const example = exampleDate(ctx.now);
    const failures = validate(inputs) ? [] : schemaFailures(validate.errors ?? [], inputs, example);
    failures.push(...crossFieldFailures(inputs, ctx.now, ctx.prior, example));
    return { inputs: inputs as unknown as CheckedInputs, failures };
}

function schemaFailures(
    errors: ErrorObject[],
    inputs: Record<string, unknown>,
    example: string,
): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const badFormat = new Set(errors.filter((e) => e.keyword === "format").map((e) => e.instancePath));
    for (const error of errors) {
        if (touchesUnknown(inputs, error.instancePath)) continue;
        // anyOf repeats its branches' errors: "not a date-time" says it all, "not null" adds nothing.
        if (error.keyword === "anyOf" || (error.keyword === "type" && badFormat.has(error.instancePath)))
            continue;
        const failure = describe(error, inputs, example);
        // Several keywords can read the same to a user (integer and minimum of a number of seconds).
        const said = failures.some((f) => f.property === failure?.property && f.reason === failure.reason);
        if (failure && !said) failures.push(failure);
    }
    return failures;
}

/** Whether the value at the pointer, or a value above it, is the engine's "unknown" placeholder. */
function touchesUnknown(root: unknown, pointer: string): boolean {
    let value: unknown = root;
    for (const segment of pointer.split("/").slice(1)) {
        if (isUnknown(value) || value === null || typeof value !== "object") return isUnknown(value);
        value = (value as Record<string, unknown>)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return isUnknown(value);
}

/** The value at a JSON pointer (for messages). */
function valueAt(root: unknown, pointer: string): unknown {
    let value: unknown = root;
    for (const segment of pointer.split("/").slice(1)) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<string, unknown>)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return value;
}

/** JSON pointer → the property path Pulumi shows: /scope/1 → scope[1], /a/b → a.b. */
function propertyPath(pointer: string): string {
    let path = "";
    for (const segment of pointer.split("/").slice(1)) {
        path += /^\d+$/.test(segment) ? `[${segment}]` : path ? `.${segment}` : segment;
    }
    return path;
}

function describe(
    error: ErrorObject,
    inputs: Record<string, unknown>,
    example: string,
): CheckFailure | undefined {
    const at = propertyPath(error.instancePath);
    const prefix = at ? `${at}.` : "";
    const params = error.params as Record<string, unknown>;
    // Not a version, whatever the keyword: the version table's one wording.
    if (at === "apiVersion" && (error.keyword === "enum" || error.keyword === "type")) {
        return { property: at, reason: notAVersion(valueAt(inputs, error.instancePath)) };
    }
    switch (error.keyword) {
        case "additionalProperties": {
            const name = String(params.additionalProperty);
            return {
                property: prefix + name,
                reason:
                    at === "rotation"
                        ? `"${name}" is not a rotation setting; valid ones are: expiresInDays, rotateBeforeDays, overlapDays`
                        : `"${name}" is not a property of PersonalAccessToken; valid properties are: ${INPUT_NAMES.join(", ")}`,
            };
        }
        case "required":
            return {
                property: prefix + String(params.missingProperty),
                reason: `is required (${REQUIRED_HINT[String(params.missingProperty)] ?? "a value"})`,
            };
        case "enum":
            return {
                property: at,
                reason: `must be one of ${(params.allowedValues as unknown[]).join(", ")}; got ${JSON.stringify(valueAt(inputs, error.instancePath))}`,
            };
        case "pattern":
            return { property: at, reason: "must be a token id: letters, digits, - and _ only" };
        case "format":
            return { property: at, reason: formatReason(example) };
        case "minItems":
            return {
                property: at,
                reason: 'must list at least one scope, e.g. ["sp:scopes:default"] (the API refuses an empty list); omit it or set null for sp:scopes:all',
            };
        case "type":
            return {
                property: at,
                reason:
                    at === "expirationDate"
                        ? `must be an RFC 3339 date-time string such as "${example}", or null`
                        : `must be ${TYPE_HINT[at.replace(/\[\d+\]$/, "[]")] ?? `of type ${String(params.type)}`}`,
            };
        case "minLength":
            return {
                property: at,
                reason: at === "name" ? "must not be empty" : "must be a non-empty string",
            };
        case "minimum":
        case "maximum":
            return { property: at, reason: RANGE_HINT[at] ?? `must be ${error.message}` };
        default:
            return { property: at, reason: error.message ?? "is not valid" };
    }
}

const REQUIRED_HINT: Record<string, string> = {
    expiresInDays: "a whole number of days, e.g. 90",
    rotateBeforeDays: "a whole number of days smaller than expiresInDays, e.g. 14",
    name: "a non-empty string, unique among the owner's tokens",
};

// The bounds and choices come from schema.json, which ajv checks: each is written there once.
const ROTATION = schema.definitions.rotation.properties;
const { accessTokenValiditySeconds: VALIDITY, onNameConflict: ON_NAME_CONFLICT } =
    schema.definitions.inputs.properties;

const TYPE_HINT: Record<string, string> = {
    rotation: `an object {${Object.keys(ROTATION).join(", ")}}`,
    "rotation.expiresInDays": `a whole number of days (at least ${ROTATION.expiresInDays.minimum})`,
    "rotation.rotateBeforeDays": `a whole number of days (${ROTATION.rotateBeforeDays.minimum} or more)`,
    "rotation.overlapDays": `a whole number of days (${ROTATION.overlapDays.minimum} or more)`,
    name: "a non-empty string",
    scope: 'an array of scope strings such as ["sp:scopes:default"], or null for sp:scopes:all',
    "scope[]": 'a non-empty string such as "sp:scopes:default"',
    userAwareTokenNeverExpires: "true or false",
    accessTokenValiditySeconds: `a whole number of seconds from ${VALIDITY.minimum} to ${VALIDITY.maximum}`,
    adoptTokenId: "the id of an existing token of the API client's identity",
    onNameConflict: orList(ON_NAME_CONFLICT.enum.map((v) => JSON.stringify(v))),
    replaceIfSecretUnknown: "true or false",
};

const RANGE_HINT: Record<string, string> = {
    "rotation.expiresInDays": `must be a whole number of days from ${ROTATION.expiresInDays.minimum} to ${ROTATION.expiresInDays.maximum} (${ROTATION.expiresInDays.maximum / 365} years)`,
    "rotation.rotateBeforeDays": `must be a whole number of days, ${ROTATION.rotateBeforeDays.minimum} or more`,
    "rotation.overlapDays": `must be a whole number of days from ${ROTATION.overlapDays.minimum} to ${ROTATION.overlapDays.maximum}`,
    accessTokenValiditySeconds: `must be a whole number of seconds from ${VALIDITY.minimum} to ${VALIDITY.maximum}`,
};

/** The rules JSON Schema cannot say: they depend on each other, on the API version and on "now". */
function crossFieldFailures(
    inputs: Record<string, unknown>,
    now: Date,
    prior: object | undefined,
    example: string,
): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const { name, expirationDate, userAwareTokenNeverExpires: ack, apiVersion, rotation } = inputs;
    if (typeof name === "string" && name.length > 0 && name.trim() === "") {
        failures.push({ property: "name", reason: "must contain more than white space" });
    }
    // The API refuses a scope entry of only white space (emulator/rules.ts agrees): check says so first.
    if (Array.isArray(inputs.scope)) {
        inputs.scope.forEach((entry: unknown, i) => {
            if (typeof entry === "string" && entry.length > 0 && entry.trim() === "")
                failures.push({
                    property: `scope[${i}]`,
                    reason: 'must contain more than white space: a scope such as "sp:scopes:default"',
                });
        });
    }
    const version = isApiVersion(apiVersion) ? apiVersion : undefined;
    const hasDate = typeof expirationDate === "string" && !isUnknown(expirationDate);

    if (hasDate) {
        const at = instantMs(expirationDate);
        if (isLeapSecond(expirationDate)) {
            // RFC 3339 allows a leap second, but no clock here can compare it: refuse it plainly.
            failures.push({
                property: "expirationDate",
                reason: `uses second 60 (a leap second), which cannot be compared as an instant; use :59, e.g. "${example}"`,
            });
        } else if (!isRfc3339(expirationDate)) {
            // The schema's format has said so.
        } else if (!declaredBefore(prior, expirationDate)) {
            if (hasPassed(expirationDate, now)) {
                failures.push({
                    property: "expirationDate",
                    reason: `must be in the future; ${expirationDate} has passed (a token past its expiry is useless: set a later date${version && hasModernExpiry(version) ? ", omit it with userAwareTokenNeverExpires: true" : ""})`,
                });
            } else if (version && !hasModernExpiry(version) && at > legacyExpiryLimit(now).getTime()) {
                failures.push({
                    property: "expirationDate",
                    reason: `must be at most 6 months ahead on apiVersion ${version} (here: no later than ${legacyExpiryLimit(now).toISOString()}, 6 calendar months less a day of margin); choose an earlier date, or apiVersion ${MODERN_VERSIONS_TEXT}, which have no upper limit`,
                });
            }
        }
    }
    const hasRotation = rotation !== undefined && rotation !== null;
    // An unknown value may turn out to be null: only known values conflict.
    const rotationDeclared = hasRotation && !isUnknown(rotation);
    if (rotationDeclared && expirationDate != null && !isUnknown(expirationDate)) {
        failures.push({
            property: "rotation",
            reason: "cannot be combined with expirationDate: rotation sets each token's expiry itself; remove one of the two",
        });
    }
    if (hasRotation && typeof rotation === "object" && !isUnknown(rotation)) {
        const { expiresInDays, rotateBeforeDays } = rotation as Record<string, unknown>;
        if (
            typeof expiresInDays === "number" &&
            typeof rotateBeforeDays === "number" &&
            rotateBeforeDays >= expiresInDays
        ) {
            failures.push({
                property: "rotation.rotateBeforeDays",
                reason: `must be smaller than rotation.expiresInDays (${expiresInDays}), or every token would be due for rotation as soon as it is made`,
            });
        }
        if (
            version &&
            !hasModernExpiry(version) &&
            typeof expiresInDays === "number" &&
            expiresInDays > LEGACY_MAX_EXPIRES_IN_DAYS
        ) {
            failures.push({
                property: "rotation.expiresInDays",
                reason: `must be at most ${LEGACY_MAX_EXPIRES_IN_DAYS} days (6 months less a day of margin) on apiVersion ${version}; use a smaller value, or apiVersion ${MODERN_VERSIONS_TEXT}`,
            });
        }
    }
    if (version && hasModernExpiry(version)) {
        const noDate = expirationDate === undefined || expirationDate === null;
        if (noDate && !hasRotation && ack !== true && !isUnknown(ack)) {
            failures.push({
                property: "userAwareTokenNeverExpires",
                reason: `must be true to acknowledge a token that never expires (no expirationDate on apiVersion ${version}); or set expirationDate, e.g. "${example}", or rotation`,
            });
        }
    } else if (version && ack !== undefined && ack !== null && !isUnknown(ack)) {
        failures.push({
            property: "userAwareTokenNeverExpires",
            reason: `is not supported on apiVersion ${version} (tokens there always expire, within 6 months); remove it, or use apiVersion ${MODERN_VERSIONS_TEXT}`,
        });
    }
    return failures;
}

/** Whether the inputs in state held the same instant: then it was accepted when it was declared. */
function declaredBefore(prior: object | undefined, expirationDate: string): boolean {
    const old = prior && "expirationDate" in prior ? prior.expirationDate : undefined;
    return typeof old === "string" && isRfc3339(old) && sameInstant(old, expirationDate);
}

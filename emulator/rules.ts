// Per-version validation of create bodies and JSON Patch documents. Pure: the caller passes `now`
// and does the checks that need state (name uniqueness, the final state of a patched token).
import type { ApiVersion } from "../wire/api-types";
import { addMonths, parseRfc3339 } from "./dates";
import { badRequest } from "./errors";
import { isLegacy, patchablePaths } from "./versions";

export const DEFAULT_VALIDITY_SECONDS = 43200;
const MIN_VALIDITY_SECONDS = 15;
/** beta/v3/v2024: default and maximum lifetime of a PAT. */
const LEGACY_MAX_MONTHS = 6;

export interface ValidCreate {
    name: string;
    scope: string[] | null;
    accessTokenValiditySeconds: number;
    expirationDate: string | null;
    userAwareTokenNeverExpires: boolean;
}

/** What a patch document changes; absent keys are untouched. */
export interface ValidPatch {
    name?: string;
    scope?: string[] | null;
    expirationDate?: string | null;
    userAwareTokenNeverExpires?: boolean;
}

const CREATE_FIELDS = [
    "name",
    "scope",
    "accessTokenValiditySeconds",
    "expirationDate",
    "userAwareTokenNeverExpires",
];

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validName(value: unknown): string {
    if (typeof value !== "string" || value.trim() === "")
        throw badRequest("name is required and must be a non-empty string");
    return value;
}

/**
 * null means all the owner's rights (`sp:scopes:all`); it is stored and listed as null, as sent.
 * Choice: an empty array is refused (a token without scopes could do nothing); scope strings are
 * not checked against a catalogue.
 */
function validScope(value: unknown): string[] | null {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value) || value.length === 0)
        throw badRequest("scope must be a non-empty array of strings or null");
    for (const s of value) {
        if (typeof s !== "string" || s.trim() === "")
            throw badRequest("scope entries must be non-empty strings");
    }
    return [...(value as string[])];
}

function validValidity(value: unknown): number {
    if (value === null || value === undefined) return DEFAULT_VALIDITY_SECONDS;
    if (
        typeof value !== "number" ||
        !Number.isInteger(value) ||
        value < MIN_VALIDITY_SECONDS ||
        value > DEFAULT_VALIDITY_SECONDS
    ) {
        throw badRequest(
            `accessTokenValiditySeconds must be an integer from ${MIN_VALIDITY_SECONDS} to 43200`,
        );
    }
    return value;
}

/**
 * A future RFC 3339 date-time, normalised to UTC with milliseconds (`YYYY-MM-DDThh:mm:ss.sssZ`).
 * Choice: the API's examples use that form; whether it echoes the caller's spelling is undocumented.
 */
function validFutureDate(value: unknown, now: Date, max?: Date): string {
    const date = typeof value === "string" ? parseRfc3339(value) : null;
    if (date === null) {
        // The example is a valid answer now (a month ahead), never a date that has passed.
        const example = addMonths(now, 1).toISOString().replace(/T.*$/, "T00:00:00.000Z");
        throw badRequest(`expirationDate must be an RFC 3339 date-time, e.g. ${example}`);
    }
    if (date.getTime() <= now.getTime()) throw badRequest("expirationDate must be in the future");
    if (max && date.getTime() > max.getTime()) {
        throw badRequest("expirationDate must be at most 6 months after the creation date");
    }
    return date.toISOString();
}

function validAck(value: unknown): boolean {
    // Choice: null counts as false (the field is nullable, default false).
    if (value === null || value === undefined) return false;
    if (typeof value !== "boolean") throw badRequest("userAwareTokenNeverExpires must be a boolean");
    return value;
}

export function validateCreate(body: unknown, version: ApiVersion, now: Date): ValidCreate {
    if (!isObject(body)) throw badRequest("The request body must be a JSON object");
    const legacy = isLegacy(version);
    // Choice: unknown fields are a 400 (strict deserialisation), so a client bug cannot hide here.
    for (const key of Object.keys(body)) {
        if (!CREATE_FIELDS.includes(key)) throw badRequest(`Unrecognized field "${key}"`);
    }
    // Old versions do not know the acknowledgment. Choice: an explicit null is tolerated, since
    // generated clients may send unset optional fields as null; any value is a 400.
    const ackGiven =
        body.userAwareTokenNeverExpires !== undefined && body.userAwareTokenNeverExpires !== null;
    if (legacy && ackGiven) {
        throw badRequest(
            `Unrecognized field "userAwareTokenNeverExpires" (not supported by API version ${version})`,
        );
    }
    const name = validName(body.name);
    const scope = validScope(body.scope);
    const accessTokenValiditySeconds = validValidity(body.accessTokenValiditySeconds);
    const userAwareTokenNeverExpires = validAck(body.userAwareTokenNeverExpires);
    let expirationDate: string | null;
    const rawDate = body.expirationDate;
    if (legacy) {
        // null is taken as omitted (the field is nullable): 6 months after creation.
        const max = addMonths(now, LEGACY_MAX_MONTHS);
        expirationDate =
            rawDate === null || rawDate === undefined
                ? max.toISOString()
                : validFutureDate(rawDate, now, max);
    } else if (rawDate === null || rawDate === undefined) {
        if (!userAwareTokenNeverExpires) {
            throw badRequest(
                "userAwareTokenNeverExpires must be true when expirationDate is null or omitted",
            );
        }
        expirationDate = null;
    } else {
        expirationDate = validFutureDate(rawDate, now);
    }
    return { name, scope, accessTokenValiditySeconds, expirationDate, userAwareTokenNeverExpires };
}

/**
 * A JSON Patch document (RFC 6902) limited to the version's patchable paths. Choices: `add` is
 * accepted as `replace` (both set a member of an object); `remove` only on `/expirationDate`, where
 * it means null, as the v1 bulk-update docs describe; `test`/`move`/`copy` are a 400; ops apply in
 * order, so a later op on the same path wins; an empty document is a no-op.
 */
export function validatePatch(body: unknown, version: ApiVersion, now: Date): ValidPatch {
    if (!Array.isArray(body))
        throw badRequest("The request body must be a JSON array of JSON Patch operations");
    const allowed = patchablePaths(version);
    const patch: ValidPatch = {};
    for (const op of body) {
        if (!isObject(op) || typeof op.op !== "string" || typeof op.path !== "string") {
            throw badRequest("Each JSON Patch operation needs string op and path");
        }
        if (!allowed.includes(op.path)) {
            throw badRequest(
                `Path ${op.path} is not patchable in API version ${version}; allowed: ${allowed.join(", ")}`,
            );
        }
        let value: unknown;
        if (op.op === "replace" || op.op === "add") {
            if (!("value" in op)) throw badRequest(`JSON Patch ${op.op} on ${op.path} needs a value`);
            value = op.value;
        } else if (op.op === "remove" && op.path === "/expirationDate") {
            value = null;
        } else {
            throw badRequest(`JSON Patch op ${op.op} is not supported on ${op.path}`);
        }
        switch (op.path) {
            case "/name":
                patch.name = validName(value);
                break;
            case "/scope":
                patch.scope = validScope(value);
                break;
            case "/expirationDate":
                patch.expirationDate = value === null ? null : validFutureDate(value, now);
                break;
            case "/userAwareTokenNeverExpires":
                patch.userAwareTokenNeverExpires = validAck(value);
                break;
        }
    }
    if (patch.expirationDate === null && patch.userAwareTokenNeverExpires !== true) {
        throw badRequest(
            "Setting expirationDate to null needs /userAwareTokenNeverExpires replaced with true in the same request",
        );
    }
    return patch;
}

// The client boundary's checks, both ways: what goes into a request path (a token id, an API
// version) and what comes back (token records). Anything else than what the API documents is
// refused here with a reason, so that no TypeError from a hostile or broken answer reaches a user
// and no crafted id or version reaches another endpoint. Tolerant where the API's documentation is
// silent or loose: fields documented with a default may be missing.
import type { ApiVersion, CreatedTokenRecord, TokenOwner, TokenRecord } from "../../wire/api-types";
import { isRfc3339 } from "../rules/dates";
import { MAX_SECRET_CHARS, scrub } from "./redact";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, isApiVersion, notAVersion } from "../rules/versions";

/** A request the client refuses to send: a bad argument from its caller. Nothing was sent. */
export class InvalidRequestError extends Error {
    constructor(message: string) {
        super(scrub(message));
        this.name = "InvalidRequestError";
    }
}

export function checkApiVersion(version: unknown): ApiVersion {
    if (!isApiVersion(version)) {
        throw new InvalidRequestError(`apiVersion ${notAVersion(version)}. Nothing was sent`);
    }
    return version;
}

/**
 * A token id as it goes into an item path. Ids are 32 hex characters in the API's examples but
 * not documented as such, so any printable string is accepted except the empty one and the dot
 * segments, which would address the collection or another endpoint even when percent-encoded.
 */
export function checkTokenId(id: unknown): string {
    const valid =
        typeof id === "string" &&
        id.trim() !== "" &&
        id.length <= 512 &&
        id !== "." &&
        id !== ".." &&
        !/[\u0000-\u001f\u007f]/.test(id);
    if (!valid) {
        throw new InvalidRequestError(
            `token id ${describeValue(id)} is not valid: expected the token's id as the API returned it (e.g. 32 hex characters), not empty, "." or "..". Nothing was sent`,
        );
    }
    return id;
}

/** Why a value is not a token record (the first problem found), or the record, normalised. */
export function parseTokenRecord(value: unknown): TokenRecord | string {
    if (value === null || typeof value !== "object" || Array.isArray(value))
        return `expected a token record, got ${kindOf(value)}`;
    const r = value as Record<string, unknown>;
    const id = r.id;
    if (typeof id !== "string" || id === "") return `"id" is ${kindOf(id)}, expected a non-empty string`;
    const problem = (field: string, expected: string) =>
        `token ${id}: "${field}" is ${kindOf(r[field])}, expected ${expected}`;
    if (typeof r.name !== "string") return problem("name", "a string");
    const scope = r.scope ?? null;
    if (scope !== null && !(Array.isArray(scope) && scope.every((s) => typeof s === "string")))
        return problem("scope", "an array of strings or null");
    const owner = parseOwner(r.owner);
    if (typeof owner === "string") return `token ${id}: ${owner}`;
    if (!isInstant(r.created)) return problem("created", "an RFC 3339 date-time string");
    const lastUsed = r.lastUsed ?? null;
    if (lastUsed !== null && !isInstant(lastUsed))
        return problem("lastUsed", "an RFC 3339 date-time string or null");
    const managed = r.managed ?? false;
    if (typeof managed !== "boolean") return problem("managed", "a boolean");
    const validity = r.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS;
    if (!Number.isInteger(validity)) return problem("accessTokenValiditySeconds", "an integer");
    const expirationDate = r.expirationDate ?? null;
    if (expirationDate !== null && !isInstant(expirationDate))
        return problem("expirationDate", "an RFC 3339 date-time string or null");
    const neverExpires = r.userAwareTokenNeverExpires;
    if (neverExpires !== undefined && neverExpires !== null && typeof neverExpires !== "boolean")
        return problem("userAwareTokenNeverExpires", "a boolean or null");
    const record: TokenRecord = {
        id,
        name: r.name,
        scope: scope as string[] | null,
        owner,
        created: r.created as string,
        lastUsed: lastUsed as string | null,
        managed,
        accessTokenValiditySeconds: validity as number,
        expirationDate: expirationDate as string | null,
    };
    if (neverExpires !== undefined) record.userAwareTokenNeverExpires = neverExpires as boolean | null;
    return record;
}

/** A create answer: a token record with its secret. */
export function parseCreatedRecord(value: unknown): CreatedTokenRecord | string {
    const record = parseTokenRecord(value);
    if (typeof record === "string") return record;
    const secret = (value as Record<string, unknown>).secret;
    if (typeof secret !== "string" || secret === "")
        return `token ${record.id}: "secret" is ${kindOf(secret)}, expected a non-empty string`;
    // Longer than any secret: a hostile answer (the scrubber refuses to register it, see redact.ts).
    if (secret.length > MAX_SECRET_CHARS)
        return `token ${record.id}: "secret" is ${secret.length} characters long, more than the ${MAX_SECRET_CHARS} a secret can have`;
    return { ...record, secret };
}

/** The owner: its id is what refresh lists by; type and name are documented but only shown. */
function parseOwner(value: unknown): TokenOwner | string {
    if (value === null || typeof value !== "object" || Array.isArray(value))
        return `"owner" is ${kindOf(value)}, expected an object {type, id, name}`;
    const o = value as Record<string, unknown>;
    if (typeof o.id !== "string" || o.id === "") return `"owner.id" is ${kindOf(o.id)}, expected a string`;
    if (o.name !== undefined && typeof o.name !== "string")
        return `"owner.name" is ${kindOf(o.name)}, expected a string`;
    if (o.type !== undefined && o.type !== "IDENTITY")
        return `"owner.type" is ${kindOf(o.type)}, expected "IDENTITY"`;
    return { type: "IDENTITY", id: o.id, name: typeof o.name === "string" ? o.name : "" };
}

/** RFC 3339, as the API documents: the built-in lenient parser would pass "Jan 1 2030 (<anything>)". */
function isInstant(value: unknown): boolean {
    return typeof value === "string" && isRfc3339(value);
}

/** What a value is, for a message: its type, never its content (it could be anything). */
export function kindOf(value: unknown): string {
    if (value === undefined) return "missing";
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "string") return value === "" ? "an empty string" : "a string";
    return `a ${typeof value}`;
}

/** An argument in a message: short, quoted, control characters escaped by scrub() later. */
function describeValue(value: unknown): string {
    if (typeof value !== "string") return `(${kindOf(value)})`;
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

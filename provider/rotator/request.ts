// What ESC posts to the rotator and what the rotator answers: the body `{request, state}` read into
// checked values, the generations' names, the answer's shape. Pure: `now` is an argument; check's
// rules (rules/validate.ts) judge the token the request describes, with the request's own field names.
import type { ApiVersion, CreateTokenRequest, TokenRecord } from "../../wire/api-types";
import { printable } from "../isc-client/redact";
import { addDays, wireInstant, writtenInstant } from "../rules/dates";
import type { CheckFailure } from "../rules/validate";
import { validateInputs } from "../rules/validate";

/** The `request` object of the ESC environment: the token the rotator keeps two generations of. */
export interface RotationRequest {
    /** The base name: each generation is named `<name>-esc-<UTC timestamp>`. */
    name: string;
    scope: string[] | null;
    /** Each generation expires this many days after it is made. */
    lifetimeDays: number;
    apiVersion: ApiVersion;
    accessTokenValiditySeconds?: number;
}

/** A generation as the answer (and so the next state) names it: never its secret. */
export interface GenerationRef {
    tokenId: string;
    tokenName: string;
}

/** The 200 answer; ESC stores it as `current` and posts it back as `state` on the next rotation. */
export interface RotationAnswer extends GenerationRef {
    /** The PAT's client id: its token id. */
    clientId: string;
    clientSecret: string;
    expiresAt: string;
    rotatedAt: string;
    apiVersion: ApiVersion;
    /** The generation kept working until the next rotation; null on the first one (or when it vanished). */
    previous: GenerationRef | null;
    /** What happened besides the rotation (a vanished current generation, a lost attempt's token). */
    notes?: string[];
}

/** The state the rotator needs from the previous answer (anything else in it is ignored). */
export interface RotationState extends GenerationRef {
    previous: GenerationRef | null;
    rotatedAt?: string;
}

export interface ParsedBody {
    request: RotationRequest;
    state: RotationState | null;
    /** The previous answer's secret, so that it can be scrubbed from any message. */
    stateSecret?: string;
}

/** A body refused with 400: the failures name the fields as check does (request.scope[3], state.tokenId). */
export class BadRequest extends Error {
    constructor(readonly failures: CheckFailure[]) {
        super(failures.map((f) => `${f.property} ${f.reason}`).join("; "));
    }
}

const REQUEST_FIELDS = ["name", "scope", "lifetimeDays", "apiVersion", "accessTokenValiditySeconds"];
/** Bounds against a hostile request: a name must leave room for the suffix, and a scope list is short. */
export const MAX_BASE_NAME_CHARS = 100;
export const MAX_SCOPES = 50;
const MAX_SCOPE_CHARS = 200;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The JSON body ESC posts, checked; throws BadRequest naming every bad field. */
export function parseBody(body: unknown, now: Date): ParsedBody {
    if (!isObject(body))
        throw new BadRequest([{ property: "", reason: 'must be {"request": {...}, "state": ...}' }]);
    const extra = Object.keys(body).filter((k) => k !== "request" && k !== "state");
    if (extra.length > 0)
        throw new BadRequest(
            extra.map((k) => ({
                property: printable(k),
                reason: 'is not a field; the body is {"request", "state"}',
            })),
        );
    const request = parseRequest(body.request, now);
    const { state, secret } = parseState(body.state);
    return { request, state, ...(secret ? { stateSecret: secret } : {}) };
}

function parseRequest(raw: unknown, now: Date): RotationRequest {
    if (!isObject(raw))
        throw new BadRequest([
            { property: "request", reason: "must be an object {name, scope, lifetimeDays, apiVersion}" },
        ]);
    const failures: CheckFailure[] = Object.keys(raw)
        .filter((k) => !REQUEST_FIELDS.includes(k))
        .map((k) => ({
            property: `request.${printable(k)}`,
            reason: `is not a rotator request field; valid fields are: ${REQUEST_FIELDS.join(", ")}`,
        }));
    failures.push(...hostile(raw));
    if (failures.length > 0) throw new BadRequest(failures);
    // check's own rules, on the token a generation is: lifetimeDays is rotation.expiresInDays there.
    const lifetime = raw.lifetimeDays;
    if (lifetime === undefined)
        failures.push({
            property: "request.lifetimeDays",
            reason: "is required (a whole number of days, e.g. 30)",
        });
    const checked = validateInputs(
        {
            name: raw.name,
            ...(raw.scope !== undefined ? { scope: raw.scope } : {}),
            ...(raw.apiVersion !== undefined ? { apiVersion: raw.apiVersion } : {}),
            ...(raw.accessTokenValiditySeconds !== undefined
                ? { accessTokenValiditySeconds: raw.accessTokenValiditySeconds }
                : {}),
            rotation: { expiresInDays: lifetime ?? 1, rotateBeforeDays: 0 },
        },
        { now, defaultApiVersion: "v1" },
    );
    failures.push(
        ...checked.failures
            .filter((f) => f.property !== "rotation.rotateBeforeDays")
            .map((f) => ({
                property: `request.${f.property.replace(/^rotation\.expiresInDays/, "lifetimeDays")}`,
                reason: f.reason.replace(/rotation\.expiresInDays/g, "lifetimeDays"),
            })),
    );
    if (failures.length > 0) throw new BadRequest(failures);
    const inputs = checked.inputs;
    return {
        name: inputs.name,
        scope: inputs.scope ?? null,
        lifetimeDays: lifetime as number,
        apiVersion: inputs.apiVersion,
        ...(inputs.accessTokenValiditySeconds != null
            ? { accessTokenValiditySeconds: inputs.accessTokenValiditySeconds }
            : {}),
    };
}

/** What check does not refuse but a rotator facing the network must: control characters, sheer size. */
function hostile(raw: Record<string, unknown>): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const { name, scope } = raw;
    if (typeof name === "string") {
        if (CONTROL.test(name))
            failures.push({
                property: "request.name",
                reason: "must not contain control or bidi characters",
            });
        if (name.length > MAX_BASE_NAME_CHARS)
            failures.push({
                property: "request.name",
                reason: `must be at most ${MAX_BASE_NAME_CHARS} characters (the generation suffix is added to it)`,
            });
    }
    if (Array.isArray(scope)) {
        if (scope.length > MAX_SCOPES)
            failures.push({
                property: "request.scope",
                reason: `must list at most ${MAX_SCOPES} scopes (got ${scope.length})`,
            });
        else
            scope.forEach((entry: unknown, i) => {
                if (typeof entry === "string" && (CONTROL.test(entry) || entry.length > MAX_SCOPE_CHARS))
                    failures.push({
                        property: `request.scope[${i}]`,
                        reason: `must be a scope such as "sp:scopes:default": at most ${MAX_SCOPE_CHARS} characters, no control characters`,
                    });
            });
    }
    return failures;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

function parseState(raw: unknown): { state: RotationState | null; secret?: string } {
    if (raw === null || raw === undefined) return { state: null };
    if (!isObject(raw))
        throw new BadRequest([
            { property: "state", reason: "must be null or the rotator's previous answer" },
        ]);
    const failures: CheckFailure[] = [];
    const ref = (value: unknown, at: string): GenerationRef | undefined => {
        if (!isObject(value) || typeof value.tokenId !== "string" || !ID.test(value.tokenId)) {
            failures.push({
                property: `${at}.tokenId`,
                reason: "must be the id of a token the rotator made",
            });
            return undefined;
        }
        if (
            typeof value.tokenName !== "string" ||
            CONTROL.test(value.tokenName) ||
            value.tokenName.length > 256
        ) {
            failures.push({
                property: `${at}.tokenName`,
                reason: "must be the name of a token the rotator made",
            });
            return undefined;
        }
        return { tokenId: value.tokenId, tokenName: value.tokenName };
    };
    const current = ref(raw, "state");
    const previous =
        raw.previous === null || raw.previous === undefined ? null : ref(raw.previous, "state.previous");
    if (failures.length > 0 || !current) throw new BadRequest(failures);
    const secret = typeof raw.clientSecret === "string" ? raw.clientSecret : undefined;
    return {
        state: {
            ...current,
            previous: previous ?? null,
            ...(typeof raw.rotatedAt === "string" ? { rotatedAt: raw.rotatedAt } : {}),
        },
        secret,
    };
}

const SUFFIX = /-esc-(\d{8}T\d{6}\d{3}Z)$/;

/** A generation's name: the base, `-esc-` and its UTC creation time to the millisecond (unique). */
export function generationName(base: string, now: Date): string {
    const stamp = writtenInstant(now).replace(/[-:.]/g, "");
    return `${base}-esc-${stamp}`;
}

/** The base name of a rotator generation's name, or undefined for any other name. */
export function baseOf(tokenName: string): string | undefined {
    return SUFFIX.test(tokenName) ? tokenName.replace(SUFFIX, "") : undefined;
}

/**
 * Whether a rotation of `base` may delete `token`: only a generation of that base name (by the naming
 * rule) owned by the rotator's identity. A state's ids come from the network, so any allowed
 * environment could name another's tokens; the list is the caller's (owner-id=me), and the owner is
 * checked as well when the token endpoint named the identity.
 */
export function mayDelete(token: TokenRecord, base: string, identityId: string | undefined): boolean {
    return baseOf(token.name) === base && (identityId === undefined || token.owner?.id === identityId);
}

/** The create body of a generation made at `now`. */
export function createBody(request: RotationRequest, now: Date): CreateTokenRequest {
    const body: CreateTokenRequest = {
        name: generationName(request.name, now),
        expirationDate: wireInstant(addDays(now, request.lifetimeDays)),
    };
    if (request.scope !== null) body.scope = request.scope;
    if (request.accessTokenValiditySeconds !== undefined)
        body.accessTokenValiditySeconds = request.accessTokenValiditySeconds;
    return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

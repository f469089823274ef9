// After a create whose outcome was lost (reset, timeout, 5xx, an unreadable 200): which of the
// owner's tokens this provider can prove it made. Pure decisions, tested without HTTP.
//
// The rule. A listed token is this create's work only if all of these hold:
//  1. it has the name the create sent (names are unique per owner, so at most one token has it);
//  2. its `created`, on the server's clock, is not before the first attempt was sent, as a lower
//     bound of the server's time read from the Date header of an answer (never the client's
//     clock alone, which may be minutes off);
//  3. the owner's list before the first attempt did not hold it: the Date header counts whole
//     seconds, so (2) alone would take a token made within a second before the attempt for ours
//     (a name with a random part, a generation's or an interim one, needs no such list);
//  4. its scope, accessTokenValiditySeconds and expirationDate are what the create asked for;
//  5. it has never been used (nobody holds a lost create's secret) and is not platform-managed.
// Anything else is foreign (another stack's, a person's) and is never deleted. A foreign token of
// the name means this create cannot succeed anyway (the name is taken): the provider stops and
// names it. Without a reading of the server's clock nothing is proven, so nothing is deleted.
import type { ApiVersion, CreateTokenRequest, TokenRecord } from "../../wire/api-types";
import { instantMs, writtenInstant } from "./dates";
import { sameInstant, sameScope } from "./equality";
import { collectionPath, DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, hasModernExpiry } from "./versions";

export interface Judgement {
    token: TokenRecord;
    ours: boolean;
    /** Why it is not ours (empty when it is). */
    reason: string;
}

/**
 * Judges the listed tokens that carry the create's name. `startedAtServerMs` is a lower bound of
 * the server's time when the first attempt was sent; undefined when no Date header was read.
 * `listedBefore`: the ids the owner's list held before the first attempt.
 */
export function judgeSameNamed(
    tokens: readonly TokenRecord[],
    request: CreateTokenRequest,
    version: ApiVersion,
    startedAtServerMs: number | undefined,
    listedBefore: ReadonlySet<string> = new Set(),
): Judgement[] {
    return tokens
        .filter((t) => t !== null && typeof t === "object" && t.name === request.name)
        .map((token) => ({
            token,
            ...authorship(token, request, version, startedAtServerMs, listedBefore),
        }));
}

function authorship(
    token: TokenRecord,
    request: CreateTokenRequest,
    version: ApiVersion,
    startedAtServerMs: number | undefined,
    listedBefore: ReadonlySet<string>,
): { ours: boolean; reason: string } {
    const created = typeof token.created === "string" ? instantMs(token.created) : Number.NaN;
    if (startedAtServerMs === undefined) {
        return {
            ours: false,
            reason: "no answer carried the server's clock to compare its creation time with",
        };
    }
    if (!Number.isFinite(created)) return { ours: false, reason: "its creation time is unreadable" };
    if (created < startedAtServerMs) {
        return {
            ours: false,
            reason: `it was created before this create began (at or after ${iso(startedAtServerMs)}, server clock)`,
        };
    }
    if (listedBefore.has(token.id)) {
        return { ours: false, reason: "the owner's list held it before this create sent its request" };
    }
    if (token.lastUsed != null) {
        return {
            ours: false,
            reason: `it has been used (lastUsed ${token.lastUsed}), and nobody holds a lost create's secret`,
        };
    }
    if (token.managed === true) return { ours: false, reason: "it is managed by the platform" };
    const differs = differingFields(token, request, version);
    if (differs.length > 0) {
        return { ours: false, reason: `its ${differs.join(", ")} differ from what this create asked for` };
    }
    return { ours: true, reason: "" };
}

function differingFields(token: TokenRecord, request: CreateTokenRequest, version: ApiVersion): string[] {
    const fields: string[] = [];
    if (!sameScope(token.scope, request.scope ?? null)) fields.push("scope");
    const validity = request.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS;
    if (token.accessTokenValiditySeconds !== validity) fields.push("accessTokenValiditySeconds");
    // Omitted on beta/v3/v2024, the API picks a date (6 months after creation): nothing to compare.
    if (request.expirationDate != null || hasModernExpiry(version)) {
        if (!sameInstant(token.expirationDate, request.expirationDate ?? null)) fields.push("expirationDate");
    }
    return fields;
}

/** How a user deletes a token with the API, for messages. */
export function deleteCommand(version: ApiVersion, id: string): string {
    return `DELETE /${collectionPath(version)}/${id}`;
}

/** The error when a token of the name exists that this create cannot prove it made. */
export function foreignTokenMessage(cause: string, version: ApiVersion, judged: Judgement): string {
    const { token, reason } = judged;
    return (
        `${cause}. The owner has a token named "${token.name}" that this create cannot prove it made ` +
        `(id ${token.id}, created ${token.created}: ${reason}); it was left alone, and no new token can ` +
        `take its name. If it is not in use, delete it (${deleteCommand(version, token.id)}, or in ISC ` +
        `under Preferences > Personal Access Tokens), then run pulumi up again; otherwise give this ` +
        `resource another name`
    );
}

/** The error when the create's outcome is lost and listing the tokens to find out failed too. */
export function unverifiedMessage(
    cause: string,
    listError: string,
    version: ApiVersion,
    name: string,
    startedAtServerMs: number | undefined,
    startedAtLocalMs: number,
): string {
    const since =
        startedAtServerMs !== undefined
            ? `${iso(startedAtServerMs)} (server clock)`
            : `about ${iso(startedAtLocalMs)} (this machine's clock; the server's may differ)`;
    return (
        `${cause}. Whether a token was made is unknown: listing the owner's tokens to find out failed ` +
        `(${listError}). Nothing was deleted. When the API answers again, list the tokens ` +
        `(GET /${collectionPath(version)}?owner-id=me): a token named "${name}" created at or after ` +
        `${since} is this run's, and its secret is lost; delete it (${deleteCommand(version, "<its id>")}), ` +
        `then run pulumi up again`
    );
}

/** The error after the last round: what the provider found and did, and nothing it does not know. */
export function exhaustedMessage(
    cause: string,
    rounds: number,
    deleted: readonly TokenRecord[],
    listedAtServerMs: number | undefined,
): string {
    const found =
        deleted.length === 0
            ? "found no token made by these attempts"
            : `deleted the token${deleted.length > 1 ? "s" : ""} these attempts made and whose secrets were lost (${deleted
                  .map((t) => `id ${t.id}, created ${t.created}`)
                  .join("; ")})`;
    const when =
        listedAtServerMs !== undefined
            ? `; it last listed the owner's tokens at or after ${iso(listedAtServerMs)} (server clock)`
            : "";
    return `${cause}. Tried ${rounds} times; the provider ${found}${when}. Run pulumi up again when the API is reachable`;
}

function iso(ms: number): string {
    return writtenInstant(ms);
}

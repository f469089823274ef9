// Every API answer that is not what the caller needs becomes an IscApiError here, in one place: the
// error bodies (ErrorResponseDto, the 401 and OAuth bodies, the 429 body, or anything else), success
// answers that are not what the API documents, and bodies that are not JSON.
import type { ErrorResponseDto } from "../../wire/api-types";
import { IscApiError } from "./errors";
import type { HttpRequest, HttpResponse } from "./http";
import { printable } from "./redact";

type RequestFacts = Pick<HttpRequest, "operation" | "method" | "displayPath">;

/** Turns an error response (ErrorResponseDto, the 401 and 429 bodies, or anything else) into an error. */
export function apiError(response: HttpResponse, request: RequestFacts, hint?: string): IscApiError {
    let body: Partial<ErrorResponseDto> & {
        error?: unknown;
        error_description?: unknown;
        message?: unknown;
    } = {};
    try {
        const parsed: unknown = JSON.parse(response.body);
        if (parsed && typeof parsed === "object") body = parsed as typeof body;
    } catch {
        // Not JSON: the status says enough.
    }
    let messages = Array.isArray(body.messages)
        ? body.messages.map((m) => (m && typeof m.text === "string" ? m.text : "")).filter(Boolean)
        : [body.error_description ?? body.error, body.message]
              .filter((m): m is string => typeof m === "string")
              .map((m) => m.trim());
    // The API's words may echo a name with control characters or line breaks: one escaped line each.
    messages = messages.map(printable);
    return new IscApiError({
        ...describe(request),
        status: response.status,
        detailCode: typeof body.detailCode === "string" ? body.detailCode : undefined,
        trackingId: typeof body.trackingId === "string" ? body.trackingId : undefined,
        messages,
        hint: hint ?? redirectHint(response) ?? tokenLimitHint(request, response.status, messages),
    });
}

/**
 * A redirect, which the client never follows (a bearer token or a secret must not go elsewhere): most
 * often a base URL that is the tenant's UI, a login page or a proxy. Only the target's origin is named:
 * its path and query may hold a session.
 */
function redirectHint(response: HttpResponse): string | undefined {
    if (response.status < 300 || response.status > 399) return undefined;
    const location = response.headers.location;
    let target = "";
    try {
        const url = new URL(String(Array.isArray(location) ? location[0] : location));
        if (url.protocol === "https:" || url.protocol === "http:") target = ` to ${url.origin}`;
    } catch {
        // A relative or missing Location: the redirect alone says enough.
    }
    return `The server answered with a redirect${target}, which the provider does not follow: the base URL must be the tenant's API root, https://<tenant>.api.identitynow.com (not the UI's https://<tenant>.identitynow.com, a login page or a proxy)`;
}

/**
 * A create refused because the owner has as many tokens as the API allows (the UI allows 10; the
 * emulator says "at most 10 personal access tokens"; the API's own words are not documented).
 */
function tokenLimitHint(request: RequestFacts, status: number, messages: string[]): string | undefined {
    const limit = /at most \d+ personal access tokens|(token|tokens) limit|limit of \d+|maximum number of/i;
    if (request.method !== "POST" || status !== 400 || !messages.some((m) => limit.test(m))) return undefined;
    return "The owner has as many personal access tokens as the API allows per identity (10 in SailPoint's UI), so nothing was made: delete tokens nothing uses any more (`npx isc-pat audit` lists them with their last use), or lower rotation.overlapDays so that fewer generations overlap, then run pulumi up again";
}

/** A success status with a body the API does not document: say what was wrong, not a TypeError. */
export function malformed(
    request: RequestFacts,
    response: HttpResponse,
    cause: string,
    hint?: string,
): IscApiError {
    return new IscApiError({
        ...describe(request),
        status: response.status,
        cause,
        hint:
            hint ??
            "The API answered with something it does not document: run again; if it persists, check that the base URL points at the tenant's API",
    });
}

/** Parses a JSON body, or says clearly that the server sent something else. */
export function parseJson<T>(response: HttpResponse, request: RequestFacts): T {
    try {
        return JSON.parse(response.body) as T;
    } catch {
        throw new IscApiError({
            operation: request.operation,
            method: request.method,
            path: request.displayPath,
            status: response.status,
            cause: `the response body is not valid JSON (${response.body.length} bytes, content-type ${String(response.headers["content-type"] ?? "none")})`,
            hint: "Check that the base URL points at the tenant's API (https://<tenant>.api.identitynow.com) and not at a proxy or login page",
        });
    }
}

/** What an error says of the request: the operation, the method and the path (no host, no secret). */
export function describe(request: RequestFacts) {
    return { operation: request.operation, method: request.method, path: request.displayPath };
}

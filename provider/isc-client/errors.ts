// Errors a user can act on: what failed, the HTTP status, the API's words and trackingId, what to do.
import { scrub } from "./redact";
import type { TokenOutputs } from "../rules/types";

export interface ApiErrorDetails {
    operation: string;
    method: string;
    path: string;
    status?: number;
    detailCode?: string;
    messages?: string[];
    trackingId?: string;
    hint?: string;
    cause?: string;
}

/** A request to the ISC API that failed for good (after any retries). */
export class IscApiError extends Error {
    readonly status?: number;
    readonly detailCode?: string;
    readonly trackingId?: string;
    readonly method: string;
    readonly path: string;

    constructor(details: ApiErrorDetails) {
        super(scrub(formatApiError(details)));
        this.name = "IscApiError";
        this.status = details.status;
        this.detailCode = details.detailCode;
        this.trackingId = details.trackingId;
        this.method = details.method;
        this.path = details.path;
    }
}

/**
 * A request whose outcome is unknown: it may or may not have been processed (connection lost
 * after sending, timeout). Only requests that are unsafe to repeat (create) surface this.
 */
export class AmbiguousOutcomeError extends IscApiError {
    constructor(details: ApiErrorDetails) {
        super(details);
        this.name = "AmbiguousOutcomeError";
    }
}

/** Settings that are missing or invalid: nothing was sent. */
export class ConfigurationError extends Error {
    constructor(message: string) {
        super(scrub(message));
        this.name = "ConfigurationError";
    }
}

function formatApiError(d: ApiErrorDetails): string {
    const parts = [`${d.operation} failed: ${d.method} ${d.path}`];
    if (d.status !== undefined)
        parts.push(`returned HTTP ${d.status}${d.detailCode ? ` (${d.detailCode})` : ""}`);
    if (d.cause) parts.push(`(${d.cause})`);
    let text = parts.join(" ");
    if (d.messages && d.messages.length > 0) text += `: ${d.messages.join("; ")}`;
    if (d.trackingId) text += ` [trackingId ${d.trackingId}]`;
    const hint = d.hint ?? hintFor(d.status);
    if (hint) text += `. ${hint}`;
    return text;
}

/** What to do next, by status. */
export function hintFor(status: number | undefined): string | undefined {
    switch (status) {
        case 401:
            return "The API rejected the credentials: check the provider's client id and client secret (its settings, or the SAIL_* environment when it has none), and that the client is enabled on this tenant";
        case 403:
            return "The API client lacks a right: managing tokens needs idn:my-personal-access-tokens:read and :manage for its own tokens, or idn:all-personal-access-tokens:read and :manage for other identities' tokens";
        case 404:
            return "The token does not exist (any more) on this tenant: run `pulumi refresh` to bring the state in line";
        case 429:
            return "The API's rate limit (100 requests per client id and API version per 10 seconds) kept refusing: run again later, or with a lower --parallel";
        case 500:
        case 502:
        case 503:
        case 504:
            return "The API failed on its side; run again in a moment, and quote the trackingId if you contact SailPoint support";
        default:
            return undefined;
    }
}

/**
 * Thrown when a token exists but could not be made whole; the engine records it (by id) as a
 * resource that failed to initialize, so it is tracked rather than orphaned.
 */
export class TokenInitializationError extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Partial<TokenOutputs>,
        readonly reasons: string[],
    ) {
        super(scrub(message));
        this.name = "TokenInitializationError";
    }
}

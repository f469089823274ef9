// The API's error bodies. 400/403/404/5xx use ErrorResponseDto; 401 and 429 come from the API gateway
// and have their own small shapes (see /work/shared/isc-pat-api.md, "Errors").
import { randomBytes } from "node:crypto";
import type { ErrorResponseDto, RateLimitBody, UnauthorizedBody } from "../wire/api-types";

/** What a handler answers; the server turns it into an HTTP response. */
export interface Reply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

/** Thrown by handlers and validators to answer with an error reply. */
export class ApiError extends Error {
    constructor(readonly reply: Reply) {
        super(`HTTP ${reply.status}`);
    }
}

const DETAIL: Record<number, [detailCode: string, generic: string]> = {
    400: [
        "400.1 Bad Request Content",
        "The request was syntactically correct but its content is semantically invalid.",
    ],
    403: ["403 Forbidden", "The server understood the request but refuses to authorize it."],
    404: ["404 Not found", "The server did not find a current representation for the target resource."],
    405: ["405 Method Not Allowed", "The request method is not supported for the target resource."],
    500: ["500.0 Internal Fault", "An internal fault occurred."],
    // 502/503 normally come from the load balancer; the emulator keeps them JSON so every response is.
    502: ["502 Bad Gateway", "The upstream service returned an invalid response."],
    503: ["503 Service Unavailable", "The service is temporarily unavailable."],
};

export function trackingId(): string {
    return randomBytes(16).toString("hex");
}

/** An ErrorResponseDto reply. `text` is the specific reason; the real API's texts are not documented. */
export function errorReply(status: number, text?: string): Reply {
    const [detailCode, generic] = DETAIL[status] ?? [`${status}`, "Error"];
    const body: ErrorResponseDto = {
        detailCode,
        trackingId: trackingId(),
        messages: [{ locale: "en-US", localeOrigin: "DEFAULT", text: text ?? generic }],
        causes: [],
    };
    return { status, body };
}

export function badRequest(text: string): ApiError {
    return new ApiError(errorReply(400, text));
}

export function forbidden(text: string): ApiError {
    return new ApiError(errorReply(403, text));
}

export function notFound(text = "Personal access token not found"): ApiError {
    return new ApiError(errorReply(404, text));
}

export type JwtProblem = "expired" | "invalid" | "missing";

export function unauthorizedReply(problem: JwtProblem): Reply {
    const body: UnauthorizedBody = { error: `JWT validation failed: JWT is ${problem}` };
    return { status: 401, body };
}

export function rateLimitedReply(retryAfterSeconds: number): Reply {
    const body: RateLimitBody = { message: " Rate Limit Exceeded " };
    return {
        status: 429,
        body,
        headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    };
}

/** OAuth token endpoint errors follow RFC 6749 section 5.2, not ErrorResponseDto. */
export function oauthError(status: number, error: string, description: string): Reply {
    return { status, body: { error, error_description: description } };
}

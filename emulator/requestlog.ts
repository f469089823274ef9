// What tests see of the traffic. Never holds secrets: no bodies, no headers, and secret-looking query
// parameters (client_secret may ride in the token endpoint's query string) are redacted.
import type { ApiVersion } from "../wire/api-types";
import type { FaultKind } from "./faults";

export type Operation = "token" | "list" | "create" | "patch" | "delete" | "other";

export interface RequestEntry {
    method: string;
    /** The path without query string or trailing slash. */
    path: string;
    query: Record<string, string>;
    apiVersion: ApiVersion | null;
    operation: Operation;
    /** The status sent, or for `reset-after` the status that was lost; null when no response was made. */
    status: number | null;
    /** The authenticated client (API client id or PAT id), when known. */
    clientId: string | null;
    /** When the request arrived, by the emulator's clock (ISO 8601). */
    at: string;
    faulted?: FaultKind;
}

export type RequestCounts = Record<Operation | "total", number>;

const SECRET_PARAM = /secret|password|token|assertion|code/i;

export function redactQuery(query: URLSearchParams): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of query) out[k] = SECRET_PARAM.test(k) ? "[redacted]" : v;
    return out;
}

export function countRequests(entries: readonly RequestEntry[]): RequestCounts {
    const counts: RequestCounts = { total: 0, token: 0, list: 0, create: 0, patch: 0, delete: 0, other: 0 };
    for (const e of entries) {
        counts.total++;
        counts[e.operation]++;
    }
    return counts;
}

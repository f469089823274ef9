// Which endpoint a request path names, and which operation a method is on it.
import type { ApiVersion } from "../wire/api-types";
import type { Operation } from "./requestlog";

export type Route = { endpoint: "token" } | { endpoint: "api"; version: ApiVersion; id: string | null };

const VERSIONED = /^\/(beta|v3|v2024|v2025|v2026)\/personal-access-tokens(?:\/([^/]+))?$/;
const V1 = /^\/personal-access-tokens\/v1(?:\/([^/]+))?$/;

/** Strips trailing slashes (clients differ on them) but keeps "/". */
export function normalizePath(pathname: string): string {
    return pathname.replace(/\/+$/, "") || "/";
}

export function matchRoute(path: string): Route | null {
    if (path === "/oauth/token") return { endpoint: "token" };
    const versioned = VERSIONED.exec(path);
    if (versioned) return { endpoint: "api", version: versioned[1] as ApiVersion, id: decode(versioned[2]) };
    const v1 = V1.exec(path);
    if (v1) return { endpoint: "api", version: "v1", id: decode(v1[1]) };
    return null;
}

/** The operation, or null when the method is not allowed there (405). There is no GET by id. */
export function operationOf(route: Route, method: string): Exclude<Operation, "other"> | null {
    if (route.endpoint === "token") return "token";
    if (route.id === null) return method === "GET" ? "list" : method === "POST" ? "create" : null;
    return method === "PATCH" ? "patch" : method === "DELETE" ? "delete" : null;
}

export function allowedMethods(route: Route): string {
    if (route.endpoint === "token") return "POST";
    return route.id === null ? "GET, POST" : "PATCH, DELETE";
}

function decode(segment: string | undefined): string | null {
    if (segment === undefined) return null;
    try {
        return decodeURIComponent(segment);
    } catch {
        return segment;
    }
}

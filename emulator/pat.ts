// The four PAT operations, behind authentication and rate limiting (see server.ts).
import type { IncomingHttpHeaders } from "node:http";
import type { ApiVersion, CreatedTokenRecord } from "../wire/api-types";
import type { Clock } from "./clock";
import type { Directory } from "./directory";
import { ApiError, badRequest, errorReply, forbidden, notFound, type Reply } from "./errors";
import { parseFilters } from "./filters";
import { mediaType } from "./forms";
import { renderToken } from "./render";
import { canManage, canManageAny, canRead, RIGHTS, type Caller } from "./rights";
import { validateCreate, validatePatch } from "./rules";
import type { StoredToken, TokenStore } from "./store";

export interface PatDeps {
    clock: Clock;
    store: TokenStore;
    directory: Directory;
    /** Tokens per owner; null: no cap. The product documents 10 per user (see EmulatorOptions). */
    maxTokensPerOwner: number | null;
}

export interface PatRequest {
    operation: "list" | "create" | "patch" | "delete";
    version: ApiVersion;
    id: string | null;
    caller: Caller;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

export function handlePat(deps: PatDeps, req: PatRequest): Reply {
    try {
        switch (req.operation) {
            case "list":
                return list(deps, req);
            case "create":
                return create(deps, req);
            case "patch":
                return patch(deps, req);
            case "delete":
                return remove(deps, req);
        }
    } catch (err) {
        if (err instanceof ApiError) return err.reply;
        return errorReply(500);
    }
}

function ownerName(deps: PatDeps, ownerId: string): string {
    return deps.directory.identity(ownerId)?.name ?? "";
}

function list(deps: PatDeps, req: PatRequest): Reply {
    // Choice: an empty owner-id counts as omitted. An unknown identity id lists nothing.
    const param = req.query.get("owner-id") || null;
    const ownerId = param === "me" ? req.caller.identityId : param;
    if (!canRead(req.caller, ownerId)) {
        throw forbidden(
            ownerId === null || ownerId !== req.caller.identityId
                ? `Listing other identities' tokens needs ${RIGHTS.allRead}`
                : `Listing your tokens needs ${RIGHTS.myRead}`,
        );
    }
    const filter = parseFilters(req.query.get("filters"));
    // limit/offset/count/sorters are not declared by the API: ignored, the whole list comes back.
    const showManaged = req.caller.rights.has(RIGHTS.managedRead);
    const tokens = deps.store
        .all()
        .filter(
            (t) => (ownerId === null || t.ownerId === ownerId) && (showManaged || !t.managed) && filter(t),
        );
    return { status: 200, body: tokens.map((t) => renderToken(t, ownerName(deps, t.ownerId), req.version)) };
}

function parseJson(req: PatRequest, expectedType: string): unknown {
    // Charset and other parameters are fine; the media type itself must match.
    if (mediaType(req.headers["content-type"]) !== expectedType) {
        throw badRequest(`Content-Type must be ${expectedType}`);
    }
    const text = req.body.toString("utf8");
    if (text.trim() === "") throw badRequest("The request body is required");
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw badRequest("The request body is not valid JSON");
    }
}

function create(deps: PatDeps, req: PatRequest): Reply {
    if (!canManageAny(req.caller)) throw forbidden(`Creating a token needs ${RIGHTS.myManage}`);
    const body = parseJson(req, "application/json");
    const now = deps.clock.now();
    const fields = validateCreate(body, req.version, now);
    // A token is always created for the calling identity.
    const ownerId = req.caller.identityId;
    if (deps.store.nameTaken(ownerId, fields.name)) {
        throw badRequest(`A personal access token named "${fields.name}" already exists for this owner`);
    }
    if (deps.maxTokensPerOwner !== null && deps.store.countByOwner(ownerId) >= deps.maxTokensPerOwner) {
        throw badRequest(`An identity can have at most ${deps.maxTokensPerOwner} personal access tokens`);
    }
    const { token, secret } = deps.store.create(ownerId, fields, now);
    const record: CreatedTokenRecord = {
        ...renderToken(token, ownerName(deps, ownerId), req.version),
        secret,
    };
    return { status: 200, body: record };
}

/** The token if the caller may manage it. Someone else's token without the right is a 404, not a 403. */
function manageable(deps: PatDeps, req: PatRequest): StoredToken {
    if (!canManageAny(req.caller)) throw forbidden(`Managing tokens needs ${RIGHTS.myManage}`);
    const token = req.id === null ? undefined : deps.store.get(req.id);
    if (!token || !canManage(req.caller, token.ownerId)) throw notFound();
    return token;
}

function patch(deps: PatDeps, req: PatRequest): Reply {
    const token = manageable(deps, req);
    const body = parseJson(req, "application/json-patch+json");
    const changes = validatePatch(body, req.version, deps.clock.now());
    if (changes.name !== undefined && deps.store.nameTaken(token.ownerId, changes.name, token.id)) {
        throw badRequest(`A personal access token named "${changes.name}" already exists for this owner`);
    }
    const after = { ...token, ...changes };
    if (after.expirationDate === null && !after.userAwareTokenNeverExpires) {
        throw badRequest("A token without expirationDate needs userAwareTokenNeverExpires true");
    }
    const updated = deps.store.update(token.id, changes);
    return { status: 200, body: renderToken(updated, ownerName(deps, updated.ownerId), req.version) };
}

function remove(deps: PatDeps, req: PatRequest): Reply {
    const token = manageable(deps, req);
    deps.store.delete(token.id);
    return { status: 204 };
}

// OAuth 2.0 client-credentials token endpoint and bearer validation. API clients and PATs (client id =
// PAT id, client secret = PAT secret) both get bearer tokens: HS256 JWTs whose expiry follows the
// emulator's movable clock.
import type { IncomingHttpHeaders } from "node:http";
import type { OAuthTokenResponse } from "../wire/api-types";
import type { Clock } from "./clock";
import type { Directory } from "./directory";
import { oauthError, unauthorizedReply, type Reply } from "./errors";
import { mediaType, parseMultipart, parseUrlEncoded } from "./forms";
import { JwtSigner } from "./jwt";
import { hex } from "./random";
import { rightsForScope, type Caller } from "./rights";
import type { TokenStore } from "./store";

export interface AuthOptions {
    /** Lifetime of API clients' bearer tokens; PATs use their own accessTokenValiditySeconds. */
    bearerLifetimeSeconds: number;
    tenantId: string;
    org: string;
}

interface Grant {
    clientId: string;
    identityId: string;
    userName: string;
    rights: readonly string[];
    scope: readonly string[];
    lifetimeSeconds: number;
}

const BAD_CLIENT = oauthError(401, "invalid_client", "Bad client credentials");

export class AuthService {
    private readonly signer = new JwtSigner();
    /** Bumped by expireAll(): tokens minted in an older generation are expired. */
    private generation = 0;

    constructor(
        private readonly clock: Clock,
        private readonly directory: Directory,
        private readonly store: TokenStore,
        private readonly options: AuthOptions,
    ) {}

    expireAll(): void {
        this.generation++;
    }

    /**
     * POST /oauth/token. Parameters may come from the query string, an urlencoded or multipart body
     * (body wins on conflicts), and the client credentials also from HTTP Basic (RFC 6749 2.3.1).
     * Choice: a JSON body is not read, as a Spring OAuth server would not.
     */
    token(
        method: string,
        headers: IncomingHttpHeaders,
        query: URLSearchParams,
        body: Buffer,
    ): Reply & { clientId?: string } {
        if (method !== "POST") {
            return {
                ...oauthError(405, "method_not_allowed", `Request method '${method}' not supported`),
                headers: { Allow: "POST" },
            };
        }
        const params = new Map(query);
        const type = mediaType(headers["content-type"]);
        const form =
            type === "application/x-www-form-urlencoded"
                ? parseUrlEncoded(body)
                : type === "multipart/form-data"
                  ? parseMultipart(body, headers["content-type"] ?? "")
                  : new Map<string, string>();
        if (form === null) return oauthError(400, "invalid_request", "Malformed multipart body");
        for (const [k, v] of form) params.set(k, v);
        const basic = parseBasic(headers.authorization);
        if (basic && !params.has("client_id")) {
            params.set("client_id", basic.id);
            params.set("client_secret", basic.secret);
        }

        const grantType = params.get("grant_type");
        if (!grantType) return oauthError(400, "invalid_request", "Missing grant type");
        if (grantType !== "client_credentials") {
            return oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grantType}`);
        }
        const clientId = params.get("client_id") ?? "";
        const grant = this.grant(clientId, params.get("client_secret") ?? "");
        if (!grant) return { ...BAD_CLIENT, clientId: clientId || undefined };

        const iat = Math.floor(this.clock.nowMs() / 1000);
        const jti = hex(16);
        const common = {
            tenant_id: this.options.tenantId,
            internal: false,
            pod: "emulator",
            org: this.options.org,
            identity_id: grant.identityId,
            user_name: grant.userName,
            strong_auth: false,
            jti,
        };
        const accessToken = this.signer.sign({
            ...common,
            client_id: grant.clientId,
            authorities: grant.rights,
            scope: grant.scope,
            iat,
            exp: iat + grant.lifetimeSeconds,
            gen: this.generation,
        });
        const response: OAuthTokenResponse = {
            access_token: accessToken,
            token_type: "bearer",
            expires_in: grant.lifetimeSeconds,
            scope: grant.scope.join(" "),
            ...common,
            strong_auth_supported: false,
        };
        return {
            status: 200,
            body: response,
            headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
            clientId: grant.clientId,
        };
    }

    private grant(clientId: string, secret: string): Grant | undefined {
        if (!clientId || !secret) return undefined;
        const client = this.directory.authenticate(clientId, secret);
        if (client) {
            const identity = this.directory.identity(client.identityId);
            return {
                clientId,
                identityId: client.identityId,
                userName: identity?.name ?? clientId,
                rights: client.rights,
                scope: ["sp:scopes:all"],
                lifetimeSeconds: this.options.bearerLifetimeSeconds,
            };
        }
        const pat = this.store.get(clientId);
        // Choice: an expired PAT cannot mint bearer tokens (same 401 as a wrong secret).
        if (!pat || !this.store.verifySecret(clientId, secret) || this.store.isExpired(pat)) return undefined;
        const owner = this.directory.identity(pat.ownerId);
        if (!owner) return undefined;
        this.store.markUsed(pat.id);
        return {
            clientId,
            identityId: owner.id,
            userName: owner.name,
            rights: rightsForScope(owner.rights, pat.scope),
            scope: pat.scope ?? ["sp:scopes:all"],
            lifetimeSeconds: pat.accessTokenValiditySeconds,
        };
    }

    /**
     * Validates `Authorization: Bearer <jwt>`. Choice: bearer tokens are stateless until they expire,
     * so deleting the PAT (or client) that minted one does not revoke it (the sources are silent).
     */
    authenticate(authorization: string | undefined): Caller | Reply {
        if (!authorization?.trim()) return unauthorizedReply("missing");
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        const payload = m ? this.signer.verify(m[1]) : null;
        if (!payload) return unauthorizedReply("invalid");
        const { client_id, identity_id, authorities, exp, gen } = payload;
        if (
            typeof client_id !== "string" ||
            typeof identity_id !== "string" ||
            typeof exp !== "number" ||
            !Array.isArray(authorities)
        ) {
            return unauthorizedReply("invalid");
        }
        if (gen !== this.generation || this.clock.nowMs() >= exp * 1000) return unauthorizedReply("expired");
        return { clientId: client_id, identityId: identity_id, rights: new Set(authorities.map(String)) };
    }

    /** The client id of a bearer token we signed, valid or not; for the request log only. */
    clientIdOf(authorization: string | undefined): string | null {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
        const clientId = m ? this.signer.verify(m[1])?.client_id : undefined;
        return typeof clientId === "string" ? clientId : null;
    }
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
    const m = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    try {
        return {
            id: decodeURIComponent(decoded.slice(0, colon)),
            secret: decodeURIComponent(decoded.slice(colon + 1)),
        };
    } catch {
        return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
}

// OAuth2 client credentials at {baseUrl}/oauth/token: one bearer token per process and
// connection, shared by every request (single-flight), reused until shortly before it expires.
import type { OAuthTokenResponse } from "../../wire/api-types";
import { sourceKey, type ConnectionSettings } from "./config";
import type { ConnectionName } from "./settings";
import { apiError, malformed, parseJson } from "./api-errors";
import { HttpTransport, type HttpRequest } from "./http";
import { MAX_SECRET_CHARS, registerSecret } from "./redact";

/** Renew this long before the API's expiry, so that no request carries a token that dies in flight. */
const RENEW_MARGIN_MS = 60_000;

interface CachedToken {
    value: string;
    expiresAt: number;
}

export class BearerTokenSource {
    private current?: CachedToken;
    private pending?: Promise<CachedToken>;
    /** Token-endpoint requests made: the benchmark's auth economy. */
    fetches = 0;
    /** Who the token endpoint said this client is, from its latest answer (tenant_id, identity_id). */
    private claims: ClientIdentity = {};

    constructor(
        private readonly settings: ConnectionSettings,
        private readonly transport: HttpTransport,
        private readonly clock: () => number = Date.now,
    ) {}

    async token(): Promise<string> {
        if (this.current && this.current.expiresAt > this.clock()) return this.current.value;
        this.pending ??= this.fetch().finally(() => (this.pending = undefined));
        this.current = await this.pending;
        return this.current.value;
    }

    /** The tenant and identity this API client acts as: from the token answer, no request of its own. */
    async identity(): Promise<ClientIdentity> {
        await this.token();
        return this.claims;
    }

    /**
     * The API refused `token` (401): forget it, so that the next call fetches a fresh one. Only that
     * token: a 401 answering an older request must not discard one that another request just renewed.
     * Without an argument, whatever is cached is forgotten.
     */
    invalidate(token?: string): void {
        if (token === undefined || this.current?.value === token) this.current = undefined;
    }

    /** A setting as the user set it: its stack config key, the explicit provider's property, or its variable. */
    private key(name: ConnectionName): string {
        return this.settings.source ? sourceKey(this.settings.source, name) : `the ${name} setting`;
    }

    private async fetch(): Promise<CachedToken> {
        this.fetches++;
        const request: HttpRequest = {
            operation: "get an OAuth bearer token",
            method: "POST",
            url: `${this.settings.baseUrl}/oauth/token`,
            displayPath: "/oauth/token",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: this.settings.clientId,
                client_secret: this.settings.clientSecret,
            }).toString(),
            idempotent: true,
        };
        const started = this.clock();
        const response = await this.transport.send(request);
        if (response.status !== 200) {
            throw apiError(
                response,
                request,
                response.status === 400 || response.status === 401
                    ? `The token endpoint rejected client id "${this.settings.clientId}": check ${this.key("clientId")} and ${this.key("clientSecret")}, and that the API client exists and is enabled on this tenant (${this.key("baseUrl")}). Changed them since the last pulumi up? A plain destroy or refresh uses the settings recorded then: run pulumi up first, or pulumi destroy --run-program`
                    : undefined,
            );
        }
        const body = parseJson<unknown>(response, request);
        const problem = tokenAnswerProblem(body);
        if (problem !== undefined) {
            throw malformed(
                request,
                response,
                problem,
                "Check that the base URL points at the tenant's API (https://<tenant>.api.identitynow.com) and not at a proxy or login page",
            );
        }
        const answer = body as OAuthTokenResponse;
        registerSecret(answer.access_token);
        this.claims = identityOf(answer);
        const lifetimeMs = (Number(answer.expires_in) > 0 ? Number(answer.expires_in) : 300) * 1000;
        const margin = Math.min(RENEW_MARGIN_MS, lifetimeMs / 10);
        return { value: answer.access_token, expiresAt: started + lifetimeMs - margin };
    }
}

/** The tenant and identity an API client acts as; either may be absent from a token answer. */
export interface ClientIdentity {
    tenantId?: string;
    identityId?: string;
}

function identityOf(answer: OAuthTokenResponse): ClientIdentity {
    const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
    const identity: ClientIdentity = {};
    const tenantId = text(answer.tenant_id);
    const identityId = text(answer.identity_id);
    if (tenantId !== undefined) identity.tenantId = tenantId;
    if (identityId !== undefined) identity.identityId = identityId;
    return identity;
}

/** Why a 200 from the token endpoint is not a usable token answer (never its content), or undefined. */
function tokenAnswerProblem(body: unknown): string | undefined {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
        const kind = body === null ? "null" : Array.isArray(body) ? "an array" : `a ${typeof body}`;
        return `the response is ${kind}, not a JSON object with an access_token`;
    }
    const token = (body as OAuthTokenResponse).access_token;
    if (typeof token !== "string" || token === "") return "the response has no access_token";
    if (token.length > MAX_SECRET_CHARS) {
        return `the response's access_token is ${token.length} characters long, more than the ${MAX_SECRET_CHARS} a bearer token can have`;
    }
    return undefined;
}

// Typed list / create / patch / delete of personal access tokens, on top of the HTTP transport
// and the bearer token. Knows the API, not Pulumi.
import { createHash } from "node:crypto";
import type {
    ApiVersion,
    CreateTokenRequest,
    CreatedTokenRecord,
    JsonPatchReplace,
    TokenRecord,
} from "../../wire/api-types";
import { BearerTokenSource } from "./auth";
import type { ConnectionSettings } from "./config";
import { AmbiguousOutcomeError } from "./errors";
import { apiError, describe, malformed, parseJson } from "./api-errors";
import { HttpTransport, type HttpRequest, type HttpResponse } from "./http";
import { API_RATE_LIMIT, RequestPacer, type PacingLimits } from "./pacing";
import { checkApiVersion, checkTokenId, parseCreatedRecord, parseTokenRecord } from "./records";
import { printable, registerSecret } from "./redact";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
import { ServerClock } from "./server-clock";
import { collectionPath, itemPath } from "../rules/versions";

/** How long a list answer serves other reads of the same owner: one list per refresh wave. */
const LIST_FRESHNESS_MS = 2_000;

export interface ListOptions {
    /** An identity id, or "me". Omitted lists the whole tenant (needs idn:all-personal-access-tokens:read). */
    ownerId?: string;
    /** e.g. "lastUsed le 2023-02-05T10:59:27.214Z" or "lastUsed isnull". */
    filters?: string;
}

interface SharedList {
    /** When the answer came (freshness runs from then); Infinity while it is awaited. */
    at: number;
    result: Promise<Map<string, TokenRecord>>;
}

export class IscPatClient {
    private readonly lists = new Map<string, SharedList>();
    /** The server's clock, from the Date header of the latest answer. */
    readonly serverClock = new ServerClock();

    constructor(
        readonly settings: ConnectionSettings,
        readonly transport: HttpTransport,
        readonly auth: BearerTokenSource,
    ) {}

    async list(version: ApiVersion, options: ListOptions = {}): Promise<TokenRecord[]> {
        const query = new URLSearchParams();
        if (options.ownerId) query.set("owner-id", options.ownerId);
        if (options.filters) query.set("filters", options.filters);
        const request = this.request(
            "list personal access tokens",
            "GET",
            collectionPath(version),
            version,
            query,
        );
        const response = await this.send(request);
        const body = this.expect<unknown>(response, request, 200);
        if (!Array.isArray(body)) {
            throw malformed(
                request,
                response,
                `the response is ${body === undefined ? "empty" : "not a JSON array"}`,
            );
        }
        return body.map((entry, index) => {
            const record = parseTokenRecord(entry);
            if (typeof record === "string") throw malformed(request, response, `entry ${index}: ${record}`);
            return record;
        });
    }

    /**
     * A list of one owner's tokens shared by concurrent callers and reused for a moment: a refresh
     * of N tokens costs one list, not N. Writes through this client drop the shared answer.
     * `reuseMs`: how long an answer that has come serves; 0 joins only a list still awaited (the
     * creates that list first, which must not see an answer older than their own start).
     */
    listShared(
        version: ApiVersion,
        ownerId: string,
        reuseMs = LIST_FRESHNESS_MS,
    ): Promise<Map<string, TokenRecord>> {
        const key = `${version} ${ownerId}`;
        const cached = this.lists.get(key);
        if (cached && (cached.at === Number.POSITIVE_INFINITY || Date.now() - cached.at < reuseMs))
            return cached.result;
        const shared: SharedList = {
            at: Number.POSITIVE_INFINITY,
            result: this.list(version, { ownerId }).then((records) => new Map(records.map((r) => [r.id, r]))),
        };
        this.lists.set(key, shared);
        shared.result.then(
            () => (shared.at = Date.now()),
            () => this.lists.get(key) === shared && this.lists.delete(key),
        );
        return shared.result;
    }

    /** One POST. A lost response surfaces as AmbiguousOutcomeError: the caller decides what to do. */
    async create(version: ApiVersion, body: CreateTokenRequest): Promise<CreatedTokenRecord> {
        const request = this.request(
            "create personal access token",
            "POST",
            collectionPath(version),
            version,
        );
        request.idempotent = false;
        request.headers = { ...request.headers, "content-type": "application/json" };
        request.body = JSON.stringify(body);
        this.lists.clear();
        const response = await this.send(request);
        if (response.status !== 200 && response.status !== 201) throw apiError(response, request);
        const record = createdRecordFrom(response.body);
        if (typeof record === "string") {
            // Processed (the token was most likely made), but what it is cannot be trusted: recover it
            // as a lost create, which finds the token, proves it ours and deletes it.
            throw new AmbiguousOutcomeError({
                ...describe(request),
                status: response.status,
                cause: `the answer is not the created token (${response.body.length} bytes): ${printable(record)}`,
                hint: "The token may have been made without its secret reaching us",
            });
        }
        return record;
    }

    async patch(version: ApiVersion, id: string, operations: JsonPatchReplace[]): Promise<TokenRecord> {
        checkTokenId(id);
        const request = this.request(
            `update personal access token ${id}`,
            "PATCH",
            itemPath(version, id),
            version,
        );
        request.headers = { ...request.headers, "content-type": "application/json-patch+json" };
        request.body = JSON.stringify(operations);
        this.lists.clear();
        const response = await this.send(request);
        const body = this.expect<unknown>(response, request, 200);
        const record = parseTokenRecord(body);
        if (typeof record === "string") {
            throw malformed(
                request,
                response,
                body === undefined ? "the response is empty, not the token record" : record,
                "The update may have been applied: run `pulumi refresh` to see the token as it is, then run again",
            );
        }
        return record;
    }

    /** One DELETE. Returns false when the token was already gone (404), which is success too. */
    async delete(version: ApiVersion, id: string): Promise<boolean> {
        checkTokenId(id);
        const request = this.request(
            `delete personal access token ${id}`,
            "DELETE",
            itemPath(version, id),
            version,
        );
        this.lists.clear();
        const response = await this.send(request);
        if (response.status === 404) return false;
        this.expect<unknown>(response, request, 204, 200);
        return true;
    }

    private request(
        operation: string,
        method: HttpRequest["method"],
        path: string,
        version: ApiVersion,
        query?: URLSearchParams,
    ): HttpRequest {
        // The version picks the path: refuse anything that is not one (e.g. "../../oauth/token").
        checkApiVersion(version);
        const search = query && query.size > 0 ? `?${query.toString()}` : "";
        return {
            operation,
            method,
            url: `${this.settings.baseUrl}/${path}${search}`,
            displayPath: `/${path}${search}`,
            idempotent: true,
            // Per client id and version, as the API counts; per tenant too, as ids are per tenant.
            budget: `${this.settings.baseUrl} ${this.settings.clientId} ${version}`,
        };
    }

    private async send(request: HttpRequest): Promise<HttpResponse> {
        // The bearer token this request's latest attempt carried: a 401 refuses that one only.
        let sent: string | undefined;
        const response = await this.transport.send(
            request,
            async () => {
                sent = await this.auth.token();
                return { authorization: `Bearer ${sent}` };
            },
            () => this.auth.invalidate(sent),
        );
        this.serverClock.observe(response.headers.date, Date.now());
        return response;
    }

    private expect<T>(response: HttpResponse, request: HttpRequest, ...ok: number[]): T {
        if (ok.includes(response.status)) {
            return (
                response.status === 204 || response.body === "" ? undefined : parseJson<T>(response, request)
            ) as T;
        }
        throw apiError(response, request);
    }
}

/**
 * A create answer's record, or why it is not one. Any secret in it is registered first, so that no
 * message can show it, even when the rest of the record is malformed.
 */
function createdRecordFrom(body: string): CreatedTokenRecord | string {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return "not JSON";
    }
    if (parsed && typeof parsed === "object" && typeof (parsed as { secret?: unknown }).secret === "string")
        registerSecret((parsed as { secret: string }).secret);
    return parseCreatedRecord(parsed);
}

const clients = new Map<string, IscPatClient>();
const pacers = new Map<string, RequestPacer>();

/**
 * The client for a connection, one per process: every resource of a stack shares its bearer
 * token, its rate-limit budget and its list answers. `limits` exists for tests against an
 * emulator without a limit; the default is the API's.
 */
export function clientFor(
    settings: ConnectionSettings,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    limits: PacingLimits = API_RATE_LIMIT,
): IscPatClient {
    const secretDigest = createHash("sha256").update(settings.clientSecret).digest("hex");
    const key = [
        settings.baseUrl,
        settings.clientId,
        secretDigest,
        JSON.stringify(settings.source ?? null),
        JSON.stringify(policy),
        JSON.stringify(limits),
    ].join("\n");
    let client = clients.get(key);
    if (!client) {
        const pacerKey = JSON.stringify(limits);
        let pacer = pacers.get(pacerKey);
        if (!pacer) {
            // At the API's limit, the budget is the machine's: a `pulumi` command's provider process
            // meets the requests of the one before it in the API's window. Other limits are tests'.
            const shared =
                limits.requests === API_RATE_LIMIT.requests && limits.windowMs === API_RATE_LIMIT.windowMs;
            pacer = new RequestPacer(limits, Date.now, { shared });
            pacers.set(pacerKey, pacer);
        }
        const transport = new HttpTransport(policy, pacer);
        client = new IscPatClient(settings, transport, new BearerTokenSource(settings, transport));
        clients.set(key, client);
    }
    return client;
}

/**
 * Whether two connections reach one tenant as one identity (a second URL of the tenant, another API
 * client of the same identity): each asks its own token endpoint with its own credentials, so no
 * secret goes to the other's URL. Unsure (a failure, an answer without tenant_id or identity_id): false.
 */
export async function sameTenantAndIdentity(
    a: ConnectionSettings,
    b: ConnectionSettings,
    policy?: RetryPolicy,
): Promise<boolean> {
    try {
        const [x, y] = await Promise.all([
            clientFor(a, policy).auth.identity(),
            clientFor(b, policy).auth.identity(),
        ]);
        return (
            x.tenantId !== undefined &&
            x.identityId !== undefined &&
            x.tenantId === y.tenantId &&
            x.identityId === y.identityId
        );
    } catch {
        return false;
    }
}

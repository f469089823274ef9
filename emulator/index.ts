// A local emulator of SailPoint ISC's personal-access-token API and its OAuth token endpoint, for
// tests, demos and benchmarks. Listens on 127.0.0.1 only.
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { ApiVersion, CreatedTokenRecord, TokenRecord } from "../wire/api-types";
import { AuthService } from "./auth";
import { Clock } from "./clock";
import { addMonths } from "./dates";
import {
    Directory,
    type ApiClient,
    type ClientOptions,
    type Identity,
    type IdentityOptions,
} from "./directory";
import { FaultInjector } from "./faults";
import { hex, randomSeed } from "./random";
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from "./ratelimit";
import { renderToken } from "./render";
import { countRequests, type RequestCounts, type RequestEntry } from "./requestlog";
import { DEFAULT_VALIDITY_SECONDS } from "./rules";
import { EmulatorServer } from "./server";
import { TokenStore, type TokenChanges } from "./store";

export type { ApiClient, ClientOptions, Identity, IdentityOptions } from "./directory";
export type { CreateAnswerFault, Fault, FaultKind, FaultRule } from "./faults";
export type { RateLimitOptions } from "./ratelimit";
export type { Operation, RequestCounts, RequestEntry } from "./requestlog";
export { Clock } from "./clock";
export { CREATE_ANSWER_FAULTS, FaultInjector, FAULT_KINDS } from "./faults";
export { ALL_RIGHTS, RIGHTS } from "./rights";
export { API_VERSIONS, collectionPath } from "./versions";

export interface EmulatorOptions {
    /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
    port?: number;
    /** API clients. Default: one client with random credentials and all rights (see defaultClient). */
    clients?: ClientOptions[];
    /** Lifetime of API clients' bearer tokens. Default 749 s, the value the real tenant answers. */
    bearerLifetimeSeconds?: number;
    /** Default 100 requests per 10 s per client id per API version; false turns it off. */
    rateLimit?: RateLimitOptions | false;
    /** Fixed latency added to every response, in ms. Default 0. */
    latencyMs?: number;
    /** Seed of the fault-injection PRNG. Default random (see `seed`). */
    seed?: number;
    /**
     * Cap on tokens per owner (a create beyond it is a 400). Default 10, the product's documented
     * limit per user; null or false turns it off (e.g. for 200-token benchmarks).
     */
    maxTokensPerOwner?: number | null | false;
    /** Tenant (org) name in token responses. Default "emulator". */
    tenant?: string;
    /**
     * How far the server's clock is from this machine's, in ms (negative: behind). It moves `created`,
     * `lastUsed`, expiry checks and the `Date` header of every answer. Default 0.
     */
    clockOffsetMs?: number;
    /** Called with every token secret the tenant issues (tests register them for their secret checks). */
    onSecretIssued?: (secret: string) => void;
    /**
     * A file to append every secret the emulator knows to, one a line: each client's secret and each
     * token secret it issues, so that a test suite can check for them in the output of every process.
     * Default: the file `ISC_EMULATOR_SECRETS_FILE` names, so an emulator in a child process (the
     * `isc-pat emulator` command, a demo) reports to the suite that started it; none without it.
     */
    secretsFile?: string;
}

/** The environment variable that names the default `secretsFile`. */
export const SECRETS_FILE_ENV = "ISC_EMULATOR_SECRETS_FILE";

/** Fields of an out-of-band token; defaults like a v2025 create with a 6-month expiry. */
export interface SeedTokenOptions {
    name: string;
    scope?: string[] | null;
    accessTokenValiditySeconds?: number;
    expirationDate?: string | null;
    userAwareTokenNeverExpires?: boolean;
    managed?: boolean;
}

/** Out-of-band changes; no validation, so tests can build states the API would refuse. */
export type TokenPatch = Partial<
    Pick<
        TokenRecord,
        | "name"
        | "scope"
        | "created"
        | "lastUsed"
        | "managed"
        | "accessTokenValiditySeconds"
        | "expirationDate"
        | "userAwareTokenNeverExpires"
    >
>;

/** The product documentation's limit: each user can have up to 10 personal access tokens. */
export const DEFAULT_MAX_TOKENS_PER_OWNER = 10;

function tokenCap(option: number | null | false | undefined): number | null {
    if (option === undefined) return DEFAULT_MAX_TOKENS_PER_OWNER;
    return option === null || option === false ? null : option;
}

export class IscEmulator {
    readonly clock = new Clock();
    /** Fault rules: add(rule) → id, remove(id), clear(), list(). */
    readonly faults: FaultInjector;
    /** Seed of the fault PRNG (given or random): rerun with it to get the same faults. */
    readonly seed: number;
    /** Credentials of the first configured client (random ones when none were configured). */
    readonly defaultClient: ClientOptions;
    private readonly directory = new Directory();
    private readonly store = new TokenStore(this.clock);
    private readonly auth: AuthService;
    private readonly limiter = new RateLimiter(this.clock, false);
    private readonly server: EmulatorServer;
    private readonly log: RequestEntry[] = [];
    private latencyMs: number;
    private listeningPort = 0;
    private readonly reportSecret: (secret: string) => void;

    private constructor(options: EmulatorOptions) {
        this.seed = options.seed ?? randomSeed();
        if (options.clockOffsetMs) this.clock.advance(options.clockOffsetMs);
        const file = options.secretsFile ?? process.env[SECRETS_FILE_ENV];
        // Private: the file holds live secrets of this emulator.
        this.reportSecret = file ? (s) => appendFileSync(file, `${s}\n`, { mode: 0o600 }) : () => undefined;
        this.store.onSecret = (secret) => {
            this.reportSecret(secret);
            options.onSecretIssued?.(secret);
        };
        this.faults = new FaultInjector(this.seed);
        const clients = options.clients?.length
            ? options.clients
            : [
                  {
                      clientId: hex(16),
                      clientSecret: hex(32),
                      identity: { id: hex(16), name: "Emulator Admin" },
                  },
              ];
        for (const client of clients) this.addClient(client);
        this.defaultClient = clients[0];
        this.auth = new AuthService(this.clock, this.directory, this.store, {
            bearerLifetimeSeconds: options.bearerLifetimeSeconds ?? 749,
            tenantId: randomUUID(),
            org: options.tenant ?? "emulator",
        });
        this.limiter.configure(options.rateLimit ?? DEFAULT_RATE_LIMIT);
        this.latencyMs = options.latencyMs ?? 0;
        this.server = new EmulatorServer({
            clock: this.clock,
            auth: this.auth,
            limiter: this.limiter,
            faults: this.faults,
            log: this.log,
            latencyMs: () => this.latencyMs,
            pat: {
                clock: this.clock,
                store: this.store,
                directory: this.directory,
                maxTokensPerOwner: tokenCap(options.maxTokensPerOwner),
            },
        });
    }

    static async start(options: EmulatorOptions = {}): Promise<IscEmulator> {
        const emulator = new IscEmulator(options);
        emulator.listeningPort = await emulator.server.listen(options.port ?? 0);
        return emulator;
    }

    get port(): number {
        return this.listeningPort;
    }

    /** Base URL without a version: `http://127.0.0.1:PORT`. The token URL is `${baseUrl}/oauth/token`. */
    get baseUrl(): string {
        return `http://127.0.0.1:${this.listeningPort}`;
    }

    /** Closes the listener and every connection, keep-alive ones included. */
    stop(): Promise<void> {
        return this.server.close();
    }

    /** Resolves when no request is in progress (e.g. after a client timed out on a delayed one). */
    idle(): Promise<void> {
        return this.server.idle();
    }

    /** A copy of the request log, oldest first. */
    get requests(): RequestEntry[] {
        return this.log.map((e) => ({ ...e, query: { ...e.query } }));
    }

    resetRequests(): void {
        this.log.length = 0;
    }

    /** How many requests of each operation the log holds (optionally only those matching `where`). */
    counts(where?: (entry: RequestEntry) => boolean): RequestCounts {
        return countRequests(where ? this.log.filter(where) : this.log);
    }

    /** Every bearer token issued so far answers 401 "JWT is expired" from now on. */
    expireBearerTokens(): void {
        this.auth.expireAll();
    }

    setRateLimit(rateLimit: RateLimitOptions | false): void {
        this.limiter.configure(rateLimit);
    }

    setLatency(ms: number): void {
        this.latencyMs = ms;
    }

    addClient(client: ClientOptions): ApiClient {
        const added = this.directory.addClient(client);
        this.reportSecret(client.clientSecret);
        return added;
    }

    addIdentity(identity: IdentityOptions): Identity {
        return this.directory.addIdentity(identity);
    }

    /** All tokens of the tenant as v2025+ render them (with userAwareTokenNeverExpires), no secrets. */
    tokens(version: ApiVersion = "v2025"): TokenRecord[] {
        return this.store.all().map((t) => this.render(t.id, version));
    }

    /** Creates a token out of band (e.g. someone else's, or a managed one) with no validation. */
    createToken(ownerId: string, options: SeedTokenOptions): CreatedTokenRecord {
        const owner = this.directory.identity(ownerId);
        if (!owner) throw new Error(`unknown identity ${ownerId}`);
        const expiry = addMonths(this.clock.now(), 6);
        const { token, secret } = this.store.create(ownerId, {
            name: options.name,
            scope: options.scope ?? null,
            accessTokenValiditySeconds: options.accessTokenValiditySeconds ?? DEFAULT_VALIDITY_SECONDS,
            expirationDate:
                options.expirationDate === undefined ? expiry.toISOString() : options.expirationDate,
            userAwareTokenNeverExpires: options.userAwareTokenNeverExpires ?? options.expirationDate === null,
            managed: options.managed ?? false,
        });
        return { ...this.render(token.id, "v2025"), secret };
    }

    /** Changes a token out of band (e.g. renamed in the UI); returns the new record. */
    patchToken(id: string, changes: TokenPatch): TokenRecord {
        if (!this.store.get(id)) throw new Error(`unknown token ${id}`);
        const { userAwareTokenNeverExpires, ...rest } = changes;
        const update: TokenChanges = { ...rest };
        if (userAwareTokenNeverExpires !== undefined)
            update.userAwareTokenNeverExpires = !!userAwareTokenNeverExpires;
        this.store.update(id, update);
        return this.render(id, "v2025");
    }

    /** Deletes a token out of band; false if there was none. */
    deleteToken(id: string): boolean {
        return this.store.delete(id);
    }

    verifySecret(id: string, secret: string): boolean {
        return this.store.verifySecret(id, secret);
    }

    private render(id: string, version: ApiVersion): TokenRecord {
        const token = this.store.get(id);
        if (!token) throw new Error(`unknown token ${id}`);
        return renderToken(token, this.directory.identity(token.ownerId)?.name ?? "", version);
    }
}

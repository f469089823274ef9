// The HTTP pipeline: route, log, faults, authentication, rate limit, handler, latency, response.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { AuthService } from "./auth";
import type { Clock } from "./clock";
import { errorReply, rateLimitedReply, type Reply } from "./errors";
import type { Fault, FaultInjector } from "./faults";
import { isAnswerFault, sendHostile } from "./hostile";
import { handlePat, type PatDeps } from "./pat";
import type { RateLimiter } from "./ratelimit";
import { redactQuery, type RequestEntry } from "./requestlog";
import { allowedMethods, matchRoute, normalizePath, operationOf, type Route } from "./routes";

const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerDeps {
    clock: Clock;
    auth: AuthService;
    limiter: RateLimiter;
    faults: FaultInjector;
    pat: PatDeps;
    log: RequestEntry[];
    latencyMs: () => number;
}

export class EmulatorServer {
    readonly http: Server;
    private inFlight = 0;
    private idleWaiters: (() => void)[] = [];
    private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
    private stopped = false;

    constructor(private readonly deps: ServerDeps) {
        this.http = createServer((req, res) => void this.handle(req, res));
    }

    /** Listens on 127.0.0.1 only; returns the port. */
    listen(port: number): Promise<number> {
        return new Promise((resolve, reject) => {
            this.http.once("error", reject);
            this.http.listen({ port, host: "127.0.0.1" }, () => {
                this.http.off("error", reject);
                const address = this.http.address();
                resolve(typeof address === "object" && address !== null ? address.port : port);
            });
        });
    }

    /** Stops listening, drops every connection (keep-alive ones too) and cuts delays short. */
    close(): Promise<void> {
        this.stopped = true;
        for (const s of this.sleepers) {
            clearTimeout(s.timer);
            s.resolve();
        }
        this.sleepers.clear();
        return new Promise((resolve) => {
            this.http.close(() => resolve());
            this.http.closeAllConnections();
        });
    }

    /** Resolves once no request is being processed (e.g. a delayed one whose client gave up). */
    idle(): Promise<void> {
        if (this.inFlight === 0) return Promise.resolve();
        return new Promise((resolve) => this.idleWaiters.push(resolve));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        this.inFlight++;
        try {
            await this.process(req, res);
        } catch {
            send(res, errorReply(500));
        } finally {
            if (--this.inFlight === 0) {
                for (const wake of this.idleWaiters.splice(0)) wake();
            }
        }
    }

    private async process(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const { clock, faults, auth } = this.deps;
        const method = (req.method ?? "GET").toUpperCase();
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const path = normalizePath(url.pathname);
        const route = matchRoute(path);
        const operation = route ? operationOf(route, method) : null;
        const apiVersion = route?.endpoint === "api" ? route.version : null;
        const entry: RequestEntry = {
            method,
            path,
            query: redactQuery(url.searchParams),
            apiVersion,
            operation: operation ?? "other",
            status: null,
            clientId: null,
            at: clock.now().toISOString(),
        };
        this.deps.log.push(entry);

        // Read the whole body first: a client that gives up later must not stop the processing.
        const body = await readBody(req);
        if (body === "aborted") return;

        const fault =
            route && operation ? faults.pick({ method, path, apiVersion, endpoint: route.endpoint }) : null;
        if (fault) entry.faulted = fault.kind;
        if (fault?.kind === "reset-before") return reset(req.socket);
        if (fault?.kind === "delay") {
            await this.sleep(fault.delayMs);
            if (this.stopped) return;
        }

        let reply: Reply;
        if (body === "too-large") {
            reply = errorReply(400, `The request body exceeds ${MAX_BODY_BYTES} bytes`);
        } else if (fault && isStatusFault(fault)) {
            entry.clientId = auth.clientIdOf(req.headers.authorization);
            reply = faultReply(fault);
        } else {
            reply = this.respond(req, url, method, path, route, entry, body);
        }
        entry.status = reply.status;
        // The state has changed; the client only sees its connection reset.
        if (fault?.kind === "reset-after") return reset(req.socket);

        const latency = this.deps.latencyMs();
        if (latency > 0) await this.sleep(latency);
        if (fault && isAnswerFault(fault.kind)) {
            const hostile = { ...fault, kind: fault.kind };
            if (await sendHostile(res, reply, hostile, (ms) => this.sleep(ms))) return;
        }
        send(res, reply);
    }

    private respond(
        req: IncomingMessage,
        url: URL,
        method: string,
        path: string,
        route: Route | null,
        entry: RequestEntry,
        body: Buffer,
    ): Reply {
        const { auth, limiter } = this.deps;
        if (!route) return errorReply(404, `No resource at ${path}`);
        const operation = operationOf(route, method);
        if (operation === null) {
            return {
                ...errorReply(405, `${method} is not supported here`),
                headers: { Allow: allowedMethods(route) },
            };
        }
        if (route.endpoint === "token") {
            const { clientId, ...reply } = auth.token(method, req.headers, url.searchParams, body);
            entry.clientId = clientId ?? null;
            return reply;
        }
        const caller = auth.authenticate(req.headers.authorization);
        if ("status" in caller) {
            entry.clientId = auth.clientIdOf(req.headers.authorization);
            return caller;
        }
        entry.clientId = caller.clientId;
        // Per client id per API version, after authentication (401s do not count). The token endpoint
        // is not limited by this rule.
        const retryAfter = limiter.take(`${caller.clientId} ${route.version}`);
        if (retryAfter !== null) return rateLimitedReply(retryAfter);
        if (operation === "token") return errorReply(404);
        return handlePat(this.deps.pat, {
            operation,
            version: route.version,
            id: route.id,
            caller,
            query: url.searchParams,
            headers: req.headers,
            body,
        });
    }

    private sleep(ms: number): Promise<void> {
        if (this.stopped) return Promise.resolve();
        return new Promise((resolve) => {
            const sleeper = {
                timer: setTimeout(() => {
                    this.sleepers.delete(sleeper);
                    resolve();
                }, ms),
                resolve,
            };
            this.sleepers.add(sleeper);
        });
    }
}

function isStatusFault(fault: Fault): boolean {
    return fault.kind === "429" || fault.kind === "500" || fault.kind === "502" || fault.kind === "503";
}

function faultReply(fault: Fault): Reply {
    return fault.kind === "429" ? rateLimitedReply(fault.retryAfterSeconds) : errorReply(Number(fault.kind));
}

function readBody(req: IncomingMessage): Promise<Buffer | "aborted" | "too-large"> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        req.on("end", () => resolve(size > MAX_BODY_BYTES ? "too-large" : Buffer.concat(chunks)));
        req.on("error", () => resolve("aborted"));
        req.on("aborted", () => resolve("aborted"));
    });
}

/** Drops the connection with a TCP RST, as a crashed proxy would. */
function reset(socket: Socket): void {
    try {
        socket.resetAndDestroy();
    } catch {
        socket.destroy();
    }
}

function send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string | number> = { ...reply.headers };
    if (reply.status === 204 || reply.body === undefined) {
        res.writeHead(reply.status, headers).end();
        return;
    }
    const json = JSON.stringify(reply.body);
    headers["Content-Type"] = "application/json;charset=utf-8";
    headers["Content-Length"] = Buffer.byteLength(json);
    res.writeHead(reply.status, headers).end(json);
}

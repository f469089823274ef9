// Sections 1-3, in this process: PersonalAccessTokenProvider against the emulator, side by side with
// the same HTTP requests made directly with got; refresh economy; bearer-token fetches.
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { Got } from "got";
import { IscEmulator } from "../emulator";
import type { CreatedTokenRecord, TokenRecord } from "../wire/api-types";
import { clientFor } from "../provider/isc-client/client";
import { resolveConnection } from "../provider/isc-client/config";
import { DEFAULT_RETRY_POLICY } from "../provider/isc-client/retry";
import type { PacingLimits } from "../provider/isc-client/pacing";
import { PersonalAccessTokenProvider } from "../provider/dynamic/provider";
import type { CheckedInputs, TokenOutputs } from "../provider/rules/types";
import { inDays, median, progress, round } from "./report";

export const SIZES = [1, 10, 100, 200];
export const REPS = Number(process.env.BENCH_REPS ?? 7);
/** The engine's default --parallel: 4 per CPU (`pulumi up --help` says 8 on 2 cores). */
export const CONCURRENCY = 4 * availableParallelism();
export const LATENCY_MS = 5;
/** Pacing far above anything this section sends, so that only the provider's own work is measured. */
const NO_PACING: PacingLimits = { requests: 1_000_000, windowMs: 10_000 };
const REFRESH_TOKENS = 200;

export type Op = "create" | "read" | "update" | "delete";
const OPS: Op[] = ["create", "read", "update", "delete"];

/** One timed phase: wall time and the requests the emulator saw (token endpoint apart). */
interface Phase {
    ms: number;
    requests: number;
    tokenRequests: number;
}

export interface OverheadRow {
    n: number;
    op: Op;
    /** Medians over the measured repetitions. */
    providerMs: number;
    rawMs: number;
    /** Median of the per-repetition ratios provider/raw (each pair measured back to back). */
    ratio: number;
    providerRequests: number;
    rawRequests: number;
    /** read only: a naive refresh, one list per token. */
    rawNaiveMs?: number;
    rawNaiveRequests?: number;
    samples: { providerMs: number[]; rawMs: number[]; rawNaiveMs?: number[] };
}

export interface InProcessResult {
    settings: { sizes: number[]; reps: number; concurrency: number; latencyMs: number; pacing: PacingLimits };
    overhead: OverheadRow[];
    /** Mean time of check() per token (the engine calls it before create/update; no API call). */
    checkUsPerToken: number;
    refresh: { tokens: number; lists: number[]; tokenRequests: number[]; ms: number[] };
    auth: {
        overheadSection: {
            durationS: number;
            providerFetches: number;
            tokenEndpointRequests: number;
            httpAttempts: number;
            retries: number;
            rateLimited: number;
        };
        rawFetches: number;
        refreshConnections: number[];
    };
}

interface Credentials {
    clientId: string;
    clientSecret: string;
}

type Env = Record<string, string>;

function credentials(): Credentials {
    return {
        clientId: `bench-${randomBytes(4).toString("hex")}`,
        clientSecret: randomBytes(24).toString("hex"),
    };
}

function envFor(emulator: IscEmulator, c: Credentials): Env {
    return {
        SAIL_BASE_URL: emulator.baseUrl,
        SAIL_CLIENT_ID: c.clientId,
        SAIL_CLIENT_SECRET: c.clientSecret,
    };
}

/** Runs fn(0..count-1) with at most `limit` in flight, like the engine's step executor. */
async function pool(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < count) await fn(next++);
    };
    await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

async function phase(emulator: IscEmulator, work: () => Promise<void>): Promise<Phase> {
    emulator.resetRequests();
    const started = performance.now();
    await work();
    const ms = performance.now() - started;
    const counts = emulator.counts();
    const failed = emulator.requests.filter((r) => r.status === null || r.status >= 400);
    if (failed.length > 0) throw new Error(`unexpected answers: ${JSON.stringify(failed.slice(0, 3))}`);
    return { ms, requests: counts.total - counts.token, tokenRequests: counts.token };
}

/** The same HTTP requests the provider makes, with got and the same options, headers and bodies. */
class RawClient {
    private bearer = "";
    fetches = 0;

    constructor(
        private readonly got: Got,
        private readonly baseUrl: string,
        private readonly creds: Credentials,
    ) {}

    get collection(): string {
        return `${this.baseUrl}/personal-access-tokens/v1`;
    }

    async login(): Promise<void> {
        const form = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: this.creds.clientId,
            client_secret: this.creds.clientSecret,
        });
        const body = await this.send<{ access_token: string }>("POST", `${this.baseUrl}/oauth/token`, {
            type: "application/x-www-form-urlencoded",
            text: form.toString(),
        });
        this.bearer = body.access_token;
        this.fetches++;
    }

    list(ownerId: string): Promise<TokenRecord[]> {
        return this.send("GET", `${this.collection}?owner-id=${ownerId}`);
    }

    async send<T>(method: string, url: string, body?: { type: string; text: string }): Promise<T> {
        const headers: Record<string, string> = { accept: "application/json" };
        if (body) headers["content-type"] = body.type;
        if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
        const response = await this.got(url, {
            method: method as "GET",
            headers,
            body: body?.text,
            timeout: { request: DEFAULT_RETRY_POLICY.timeoutMs },
            retry: { limit: 0 },
            throwHttpErrors: false,
            followRedirect: false,
            responseType: "text",
        });
        if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode}`);
        return (response.body === "" ? undefined : JSON.parse(response.body)) as T;
    }
}

interface Context {
    emulator: IscEmulator;
    provider: PersonalAccessTokenProvider;
    raw: RawClient;
    checkMs: number;
    checks: number;
    /** Token-endpoint requests the emulator saw during provider phases. */
    providerTokenRequests: number;
}

function tokenArgs(name: string) {
    return { name, scope: ["sp:scopes:default"], expirationDate: inDays(60) };
}

/** What the engine does before create and update, one at a time; timed apart from the operation. */
async function checkAll(ctx: Context, names: string[]): Promise<CheckedInputs[]> {
    const checked: CheckedInputs[] = [];
    for (const name of names) {
        const started = performance.now();
        const { inputs, failures } = await ctx.provider.check({}, tokenArgs(name));
        ctx.checkMs += performance.now() - started;
        ctx.checks++;
        if (failures && failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
        checked.push(inputs as CheckedInputs);
    }
    return checked;
}

async function providerCycle(ctx: Context, n: number, tag: string): Promise<Record<Op, Phase>> {
    const { emulator, provider } = ctx;
    const names = Array.from({ length: n }, (_, i) => `bench-${tag}-${i}`);
    const inputs = await checkAll(ctx, names);
    const ids: string[] = [];
    const outs: TokenOutputs[] = [];
    const create = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            const result = await provider.create(inputs[i]);
            ids[i] = result.id;
            outs[i] = result.outs as TokenOutputs;
        }),
    );
    const read = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            if (!(await provider.read(ids[i], outs[i])).id) throw new Error(`read lost ${ids[i]}`);
        }),
    );
    const renamed = await checkAll(
        ctx,
        names.map((name) => `${name}-renamed`),
    );
    const update = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            outs[i] = (await provider.update(ids[i], outs[i], renamed[i])).outs as TokenOutputs;
        }),
    );
    const del = await phase(emulator, () => pool(n, CONCURRENCY, (i) => provider.delete(ids[i], outs[i])));
    for (const p of [create, read, update, del]) ctx.providerTokenRequests += p.tokenRequests;
    return { create, read, update, delete: del };
}

/**
 * The same requests without the provider. Refresh is done twice: with as many lists as the
 * provider made (`lists`, the like-for-like baseline) and naively, one list per token.
 */
async function rawCycle(
    ctx: Context,
    n: number,
    tag: string,
    lists: number,
): Promise<Record<Op | "readNaive", Phase>> {
    const { emulator, raw } = ctx;
    const names = Array.from({ length: n }, (_, i) => `bench-${tag}-${i}`);
    const records: TokenRecord[] = [];
    const create = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            const body = JSON.stringify(tokenArgs(names[i]));
            records[i] = await raw.send<CreatedTokenRecord>("POST", raw.collection, {
                type: "application/json",
                text: body,
            });
        }),
    );
    const owner = records[0].owner.id;
    const find = (list: TokenRecord[], i: number) => {
        if (!list.some((t) => t.id === records[i].id)) throw new Error(`raw read lost ${records[i].id}`);
    };
    const read = await phase(emulator, async () => {
        const answers = await Promise.all(Array.from({ length: lists }, () => raw.list(owner)));
        await pool(n, CONCURRENCY, async (i) => find(answers[0], i));
    });
    const readNaive = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => find(await raw.list(owner), i)),
    );
    const update = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            const operations = [{ op: "replace", path: "/name", value: `${names[i]}-renamed` }];
            records[i] = await raw.send<TokenRecord>("PATCH", `${raw.collection}/${records[i].id}`, {
                type: "application/json-patch+json",
                text: JSON.stringify(operations),
            });
        }),
    );
    const del = await phase(emulator, () =>
        pool(n, CONCURRENCY, async (i) => {
            await raw.send("DELETE", `${raw.collection}/${records[i].id}`);
        }),
    );
    return { create, read, readNaive, update, delete: del };
}

/** Section 1: for each N, a warm-up pair, then REPS pairs provider/raw back to back (ABAB). */
async function overhead(ctx: Context): Promise<OverheadRow[]> {
    const rows: OverheadRow[] = [];
    for (const n of SIZES) {
        progress(`provider vs raw: N=${n}, ${REPS} repetitions after a warm-up`);
        const p: Record<Op, Phase>[] = [];
        const r: Record<Op | "readNaive", Phase>[] = [];
        for (let rep = -1; rep < REPS; rep++) {
            const prov = await providerCycle(ctx, n, `p${n}-${rep + 1}`);
            const raw = await rawCycle(ctx, n, `r${n}-${rep + 1}`, prov.read.requests);
            if (rep >= 0) {
                p.push(prov);
                r.push(raw);
            }
        }
        for (const op of OPS) {
            const providerMs = p.map((s) => s[op].ms);
            const rawMs = r.map((s) => s[op].ms);
            const row: OverheadRow = {
                n,
                op,
                providerMs: round(median(providerMs), 3),
                rawMs: round(median(rawMs), 3),
                ratio: round(median(providerMs.map((ms, i) => ms / rawMs[i])), 3),
                providerRequests: median(p.map((s) => s[op].requests)),
                rawRequests: median(r.map((s) => s[op].requests)),
                samples: {
                    providerMs: providerMs.map((v) => round(v, 3)),
                    rawMs: rawMs.map((v) => round(v, 3)),
                },
            };
            if (op === "read") {
                const naive = r.map((s) => s.readNaive.ms);
                row.rawNaiveMs = round(median(naive), 3);
                row.rawNaiveRequests = median(r.map((s) => s.readNaive.requests));
                row.samples.rawNaiveMs = naive.map((v) => round(v, 3));
            }
            rows.push(row);
        }
    }
    return rows;
}

/**
 * Section 2: 200 tokens, then REPS refreshes, each by a provider with default settings on a new
 * connection (a new API client of the same identity): nothing cached, as in a new engine process.
 */
async function refreshEconomy(ctx: Context, identity: { id: string; name: string }) {
    progress(`refresh economy: ${REFRESH_TOKENS} concurrent reads, ${REPS} fresh connections`);
    const { emulator, provider } = ctx;
    const inputs = await checkAll(
        ctx,
        Array.from({ length: REFRESH_TOKENS }, (_, i) => `bench-refresh-${i}`),
    );
    const created = await Promise.all(inputs.map((input) => provider.create(input)));
    const result = {
        tokens: REFRESH_TOKENS,
        lists: [] as number[],
        tokenRequests: [] as number[],
        ms: [] as number[],
    };
    const fetches: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
        const creds = credentials();
        emulator.addClient({ ...creds, identity });
        const env = envFor(emulator, creds);
        const fresh = new PersonalAccessTokenProvider({ env: () => env });
        const measured = await phase(emulator, async () => {
            const reads = await Promise.all(created.map((c) => fresh.read(c.id, c.outs as TokenOutputs)));
            if (reads.some((read) => !read.id)) throw new Error("a refresh lost a token");
        });
        result.lists.push(emulator.counts().list);
        result.tokenRequests.push(measured.tokenRequests);
        result.ms.push(round(measured.ms, 3));
        fetches.push(
            clientFor(resolveConnection({}, { door: "dynamic", explicit: false }, env)).auth.fetches,
        );
    }
    await Promise.all(created.map((c) => provider.delete(c.id, c.outs as TokenOutputs)));
    return { refresh: result, fetches };
}

export async function inProcess(): Promise<InProcessResult> {
    const creds = credentials();
    const identity = { id: randomBytes(16).toString("hex"), name: "Bench Admin" };
    const emulator = await IscEmulator.start({
        latencyMs: LATENCY_MS,
        rateLimit: false,
        // One owner holds up to 200 tokens: the per-owner cap (10, as in the product) is off.
        maxTokensPerOwner: null,
        clients: [{ ...creds, identity }],
    });
    try {
        const env = envFor(emulator, creds);
        const { got } = await import("got");
        const raw = new RawClient(got, emulator.baseUrl, creds);
        await raw.login();
        const ctx: Context = {
            emulator,
            provider: new PersonalAccessTokenProvider({ env: () => env, rateLimit: NO_PACING }),
            raw,
            checkMs: 0,
            checks: 0,
            providerTokenRequests: 0,
        };
        const started = performance.now();
        const rows = await overhead(ctx);
        const durationS = (performance.now() - started) / 1000;
        // The provider's connection: the same one clientFor hands the provider (same settings and options).
        const client = clientFor(
            resolveConnection({}, { door: "dynamic", explicit: false }, env),
            DEFAULT_RETRY_POLICY,
            NO_PACING,
        );
        const { refresh, fetches } = await refreshEconomy(ctx, identity);
        return {
            settings: {
                sizes: SIZES,
                reps: REPS,
                concurrency: CONCURRENCY,
                latencyMs: LATENCY_MS,
                pacing: NO_PACING,
            },
            overhead: rows,
            checkUsPerToken: round((ctx.checkMs / ctx.checks) * 1000, 1),
            refresh,
            auth: {
                overheadSection: {
                    durationS: round(durationS, 1),
                    providerFetches: client.auth.fetches,
                    tokenEndpointRequests: ctx.providerTokenRequests,
                    httpAttempts: client.transport.stats.attempts,
                    retries: client.transport.stats.retries,
                    rateLimited: client.transport.stats.rateLimited,
                },
                rawFetches: raw.fetches,
                refreshConnections: fetches,
            },
        };
    } finally {
        await emulator.stop();
    }
}

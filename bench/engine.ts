// Sections 4-6: the real Pulumi CLI against the emulator (the e2e-program, the package installed from
// its packed tarball): up/refresh/destroy of 200 tokens under the real rate limit, the state size per
// token, and the dynamic-provider process's memory while it handles 500 tokens.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { IscEmulator, type RequestCounts, type RequestEntry } from "../emulator";
import { PERSONAL_ACCESS_TOKEN_TYPE as TOKEN_TYPE } from "../provider/rules/types";
import { Project } from "../scripts/pulumi-project";
import { inDays, mean, progress, round } from "./report";

export const ENGINE_TOKENS = 200;
export const MEMORY_TOKENS = 500;
export const ENGINE_LATENCY_MS = 5;
/** The API's documented limit, enforced by the emulator in section 4. */
export const API_LIMIT = { requests: 100, windowSeconds: 10 };
const SAMPLE_MS = 200;

export interface CliRun {
    command: string;
    label: string;
    tokens: number;
    wallS: number;
    /** Requests to the PAT API that the emulator accepted (not the token endpoint, not 429s). */
    apiRequests: number;
    byOperation: RequestCounts;
    tokenEndpointRequests: number;
    /** Seconds from the CLI's start to the first and the last request the emulator saw. */
    firstRequestS: number | null;
    lastRequestS: number | null;
    /** Accepted API requests of earlier runs still inside the server's 10 s window at the start. */
    carriedIn: number;
    status429: number;
    status429AtS: number[];
    /** apiRequests at 10 per second, the brief's floor. */
    floorS: number;
    /** The sliding window lets 100 go at once: (ceil(n/100) - 1) x 10 s. */
    burstFloorS: number;
    /** wallS / floorS; null when nothing was sent. */
    ratio: number | null;
    /** The dynamic-provider node process(es): largest VmRSS sampled, and the kernel's VmHWM. */
    peakRssMb: number | null;
    hwmMb: number | null;
    providerProcesses: number;
}

export interface StateSize {
    tokens: number;
    /** Average bytes of JSON.stringify(resource) in `pulumi stack export`. */
    bytesPerToken: number;
    /** The same without the engine's `sourcePosition` and `stackTrace`. */
    bytesWithoutEngineFields: number;
    /** The serialized provider (`__provider`), counted in inputs and outputs. */
    providerBytes: number;
    /** The serialized provider, as the state holds it. */
    providerSample: string;
    /** Average bytes of each top-level field (value only) and of inputs/outputs properties. */
    fields: Record<string, number>;
    inputs: Record<string, number>;
    outputs: Record<string, number>;
}

export interface EngineResult {
    settings: { latencyMs: number; rateLimit: typeof API_LIMIT; tokens: number; memoryTokens: number };
    runs: CliRun[];
    state: StateSize;
    memory: CliRun[];
    /** RSS of an idle node process in the program's directory: bare, and with the modules loaded. */
    idleRssMb: { node: number; pulumi: number; pulumiAndPackage: number };
}

/** Samples the RSS of this process's descendants whose command line names the dynamic provider. */
class RssSampler {
    private timer?: NodeJS.Timeout;
    private readonly pids = new Set<number>();
    peakKb = 0;
    hwmKb = 0;

    start(): void {
        this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    }

    stop(): void {
        clearInterval(this.timer);
        this.sample();
    }

    result(): { peakRssMb: number | null; hwmMb: number | null; providerProcesses: number } {
        const mb = (kb: number) => (this.pids.size > 0 ? round(kb / 1024, 1) : null);
        return { peakRssMb: mb(this.peakKb), hwmMb: mb(this.hwmKb), providerProcesses: this.pids.size };
    }

    private sample(): void {
        for (const pid of providerPids()) {
            let status: string;
            try {
                status = readFileSync(`/proc/${pid}/status`, "utf8");
            } catch {
                continue; // it exited between the scan and now
            }
            this.pids.add(pid);
            this.peakKb = Math.max(this.peakKb, kb(status, "VmRSS"));
            this.hwmKb = Math.max(this.hwmKb, kb(status, "VmHWM"));
        }
    }
}

function kb(status: string, field: string): number {
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
}

/** Descendants of this process (not other users of the machine) running `dynamic-provider`. */
function providerPids(): number[] {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone already
        }
    }
    const found: number[] = [];
    const queue = [...(children.get(process.pid) ?? [])];
    for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
        queue.push(...(children.get(pid) ?? []));
        try {
            const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            if (/(^|\/)node$/.test(cmdline[0]) && cmdline.some((arg) => arg.includes("dynamic-provider"))) {
                found.push(pid);
            }
        } catch {
            // gone already
        }
    }
    return found;
}

async function cli(
    project: Project,
    emulator: IscEmulator,
    args: string[],
    tokens: number,
    label = `pulumi ${args[0]}`,
): Promise<CliRun> {
    progress(`${label}: pulumi ${args.join(" ")} (${tokens} tokens)`);
    const accepted = (r: RequestEntry) => r.operation !== "token" && r.status !== 429;
    const runStart = Date.now();
    const windowStart = runStart - API_LIMIT.windowSeconds * 1000;
    const carriedIn = emulator.requests.filter((r) => accepted(r) && Date.parse(r.at) > windowStart).length;
    emulator.resetRequests();
    const sampler = new RssSampler();
    sampler.start();
    const started = performance.now();
    await project.run(args).finally(() => sampler.stop());
    const wallS = (performance.now() - started) / 1000;
    const log = emulator.requests;
    const offsets = (entries: RequestEntry[]) =>
        entries.map((r) => round((Date.parse(r.at) - runStart) / 1000, 2));
    const apiRequests = log.filter(accepted).length;
    const floorS = apiRequests / (API_LIMIT.requests / API_LIMIT.windowSeconds);
    const times = offsets(log);
    return {
        command: `pulumi ${args.join(" ")}`,
        label,
        tokens,
        wallS: round(wallS, 2),
        apiRequests,
        byOperation: emulator.counts(),
        tokenEndpointRequests: emulator.counts((r) => r.operation === "token").total,
        firstRequestS: times.length > 0 ? Math.min(...times) : null,
        lastRequestS: times.length > 0 ? Math.max(...times) : null,
        carriedIn,
        status429: log.filter((r) => r.status === 429).length,
        status429AtS: offsets(log.filter((r) => r.status === 429)),
        floorS: round(floorS, 2),
        burstFloorS: Math.max(0, Math.ceil(apiRequests / API_LIMIT.requests) - 1) * API_LIMIT.windowSeconds,
        ratio: floorS > 0 ? round(wallS / floorS, 3) : null,
        ...sampler.result(),
    };
}

/** RSS of a node process in the program's directory that loads got and `modules`, and does nothing else. */
function idleRssMb(dir: string, modules: string[]): number {
    const script = `${modules.map((m) => `require(${JSON.stringify(m)});`).join("")}
        import("got").then(() => setTimeout(() => console.log(process.memoryUsage().rss), 500));`;
    const out = execFileSync("node", ["-e", script], { cwd: dir, encoding: "utf8" });
    return round(Number(out.trim()) / 1048576, 1);
}

function expectTokens(emulator: IscEmulator, count: number, after: string): void {
    const actual = emulator.tokens().length;
    if (actual !== count) throw new Error(`after ${after} the emulator holds ${actual} tokens, not ${count}`);
}

function bytes(value: unknown): number {
    return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/** Average bytes per key over the objects, largest first. */
function perKey(objects: Record<string, unknown>[]): Record<string, number> {
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    const sizes = keys.map((k) => [k, round(mean(objects.map((o) => bytes(o[k]))), 0)] as const);
    return Object.fromEntries(sizes.sort((a, b) => b[1] - a[1]));
}

function stateSize(resources: Record<string, unknown>[]): StateSize {
    const tokens = resources.filter((r) => r.type === TOKEN_TYPE);
    if (tokens.length === 0) throw new Error("no PersonalAccessToken in the stack export");
    const props = (key: string) => tokens.map((r) => (r[key] ?? {}) as Record<string, unknown>);
    return {
        tokens: tokens.length,
        bytesPerToken: round(mean(tokens.map(bytes)), 0),
        bytesWithoutEngineFields: round(
            mean(tokens.map(({ sourcePosition: _s, stackTrace: _t, ...rest }) => bytes(rest))),
            0,
        ),
        providerBytes: round(
            mean(
                tokens.map(
                    (_, i) => bytes(props("inputs")[i].__provider) + bytes(props("outputs")[i].__provider),
                ),
            ),
            0,
        ),
        providerSample: String(props("outputs")[0].__provider),
        fields: perKey(tokens),
        inputs: perKey(props("inputs")),
        outputs: perKey(props("outputs")),
    };
}

async function newStack(sail: Record<string, string>, count: number, name: string): Promise<Project> {
    const project = new Project("e2e-program", sail);
    await project.init({ count: String(count) });
    await project.setConfig("token", { name, scope: ["sp:scopes:default"], expirationDate: inDays(60) });
    return project;
}

export async function engineRuns(): Promise<EngineResult> {
    const creds = {
        clientId: `bench-${randomBytes(4).toString("hex")}`,
        clientSecret: randomBytes(24).toString("hex"),
    };
    const emulator = await IscEmulator.start({
        latencyMs: ENGINE_LATENCY_MS,
        rateLimit: API_LIMIT,
        // One owner holds up to 500 tokens: the per-owner cap (10, as in the product) is off.
        maxTokensPerOwner: null,
        clients: [creds],
    });
    const sail = {
        SAIL_BASE_URL: emulator.baseUrl,
        SAIL_CLIENT_ID: creds.clientId,
        SAIL_CLIENT_SECRET: creds.clientSecret,
    };
    const projects: Project[] = [];
    try {
        progress("engine: installing the e2e-program from the packed tarball, creating the stack");
        const project = await newStack(sail, ENGINE_TOKENS, "bench-engine");
        projects.push(project);
        const skip = ["--yes", "--skip-preview"];
        // Back to back, as a pipeline runs them.
        const runs: CliRun[] = [];
        runs.push(await cli(project, emulator, ["up", ...skip], ENGINE_TOKENS));
        expectTokens(emulator, ENGINE_TOKENS, "up");
        const state = stateSize((await project.exportState()).deployment.resources);
        runs.push(await cli(project, emulator, ["refresh", ...skip], ENGINE_TOKENS));
        runs.push(await cli(project, emulator, ["destroy", ...skip], ENGINE_TOKENS));
        expectTokens(emulator, 0, "destroy");

        // Memory: the emulator does not limit, the provider still paces itself at 100 per 10 s.
        emulator.setRateLimit(false);
        const big = await newStack(sail, MEMORY_TOKENS, "bench-memory");
        projects.push(big);
        const memory: CliRun[] = [];
        memory.push(await cli(big, emulator, ["up", ...skip], MEMORY_TOKENS));
        expectTokens(emulator, MEMORY_TOKENS, "up");
        // The engine's and the provider process's own cost: the same program, nothing to change.
        memory.push(await cli(big, emulator, ["up", ...skip], MEMORY_TOKENS, "pulumi up (no changes)"));
        memory.push(await cli(big, emulator, ["destroy", ...skip], MEMORY_TOKENS));
        expectTokens(emulator, 0, "destroy");
        const idle = {
            node: idleRssMb(big.dir, []),
            pulumi: idleRssMb(big.dir, ["@pulumi/pulumi"]),
            pulumiAndPackage: idleRssMb(big.dir, ["@pulumi/pulumi", "@isc-pat/pulumi-sailpoint-pat"]),
        };
        return {
            settings: {
                latencyMs: ENGINE_LATENCY_MS,
                rateLimit: API_LIMIT,
                tokens: ENGINE_TOKENS,
                memoryTokens: MEMORY_TOKENS,
            },
            runs,
            state,
            memory,
            idleRssMb: idle,
        };
    } finally {
        for (const project of projects) project.cleanup();
        await emulator.stop();
    }
}

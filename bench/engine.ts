// Sections 4-6 and 8: the real Pulumi CLI against the emulator, through either door on the same work:
// the dynamic door (the e2e-program, the package installed from its packed tarball) or the plugin (a
// Pulumi YAML program of the same tokens, the plugin installed by name from its tarball). Up, no-change
// preview, refresh and destroy of 200 tokens and up, no-change preview and destroy of 500, all under the
// real rate limit; the state size per token; the provider process's memory; the pacing lag and span.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { IscEmulator, type RequestCounts, type RequestEntry } from "../emulator";
import { PERSONAL_ACCESS_TOKEN_TYPE as TOKEN_TYPE } from "../provider/rules/types";
import { Project, pulumiYamlCli } from "../scripts/pulumi-project";
import { packageVersion } from "../scripts/bundle-plugin";
import { RESOURCE_TOKEN } from "../provider/native/package-schema";
import { writeTarballs } from "../scripts/plugin-tarballs";
import { readTimings, TIMING_FILE_VARIABLE, type RequestTiming } from "../provider/isc-client/timing";
import { lagSplit, type LagSplit } from "./lag";
import { laneFigures, type LaneFigures } from "./lanes";
import { inDays, mean, progress, round } from "./report";
import { tokenStateSizes } from "../test/support/state-size";

/** BENCH_TOKENS and BENCH_MEMORY_TOKENS shrink the runs while working on the benchmark itself. */
export const ENGINE_TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
export const MEMORY_TOKENS = Number(process.env.BENCH_MEMORY_TOKENS ?? 500);
export const ENGINE_LATENCY_MS = 5;
/**
 * The `--parallel` of the second `up` and `destroy` of ENGINE_TOKENS, beside the engine's default
 * (4 x GOMAXPROCS: 8 on 2 cores): one lane per request the API's window can take at once. A list
 * (BENCH_PARALLEL=64,100,200) adds a pair of runs for each; the README's figures are the first's.
 */
export const RAISED_PARALLELS = (process.env.BENCH_PARALLEL ?? "100").split(",").map(Number);
/** The API's documented limit, enforced by the emulator in section 4. */
export const API_LIMIT = { requests: 100, windowSeconds: 10 };
const SAMPLE_MS = 200;

/** The plugin (a YAML program, the plugin installed by name) or the dynamic door (a TypeScript program). */
export type Door = "plugin" | "dynamic";

/** What names the provider process on its command line: the plugin's bundle, or @pulumi/pulumi's dynamic provider. */
const PROVIDER_PROCESS: Record<Door, string> = {
    plugin: "pulumi-resource-iscpat.js",
    dynamic: "dynamic-provider",
};

export interface CliRun {
    command: string;
    label: string;
    tokens: number;
    /** The `--parallel` given to the command; null: the engine's default (4 x GOMAXPROCS). */
    parallel: number | null;
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
    /** First to last accepted API request, at the emulator, in seconds. */
    spanS: number | null;
    /** When the API's windows let the last request in, after the first window (pacingFigures), from the first request. */
    floorFromFirstWindowS: number | null;
    /** spanS / floorFromFirstWindowS (null under 101 requests). */
    spanRatio: number | null;
    /** The pacing lag: the longest any request came after the API's windows let it in (pacingFigures); null under 101 requests. */
    lagS: number | null;
    /** Whose the lag is: the provider's timing of each request beside its arrival (bench/lag.ts); null unpaired. */
    lagSplit: LagSplit | null;
    /** Timing lines the provider wrote (one per attempt of a paced request). */
    timedRequests: number;
    /** Those lines (provider/isc-client/timing.ts), for a closer look. */
    timings: RequestTiming[];
    /** The engine's calls the provider held at once, and a freed lane's wait for the next (bench/lanes.ts). */
    lanes: LaneFigures;
    /** The span had the pacer's holds been its only delay: (floor + the last request's pacer share) / floor. */
    pacerSpanRatio: number | null;
    /** The machine's 1-minute load average when the run started and when it ended. */
    loadAverage: { start: number; end: number };
    /** Each accepted API request's arrival at the emulator, seconds from the first (for a closer look). */
    arrivalsS: number[];
    /** The provider node process(es): largest VmRSS sampled, and the kernel's VmHWM. */
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
    /** The provider's own: the fields its answers fill (id, inputs, outputs), without `__provider` (test/support/state-size.ts). */
    ownBytes: number;
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
    door: Door;
    settings: { latencyMs: number; rateLimit: typeof API_LIMIT; tokens: number; memoryTokens: number };
    runs: CliRun[];
    /** The same `up` and `destroy` of `tokens` again, with `--parallel` raised (RAISED_PARALLELS). */
    raised: CliRun[];
    state: StateSize;
    memory: CliRun[];
    /** RSS of an idle node process in the program's directory: bare, and with the modules loaded (dynamic door). */
    idleRssMb?: { node: number; pulumi: number; pulumiAndPackage: number };
    /** The installed program's directory (the dynamic door's has node_modules): for the start-up figures. */
    programDir: string;
}

/** Samples the RSS of this process's descendants whose command line names the provider. */
class RssSampler {
    private timer?: NodeJS.Timeout;
    private readonly pids = new Set<number>();
    peakKb = 0;
    hwmKb = 0;

    constructor(private readonly marker: string) {}

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
        for (const pid of providerPids(this.marker)) {
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

/** Descendants of this process (not other users of the machine) whose node command line names `marker`. */
function providerPids(marker: string): number[] {
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
            if (/(^|\/)node$/.test(cmdline[0]) && cmdline.some((arg) => arg.includes(marker))) {
                found.push(pid);
            }
        } catch {
            // gone already
        }
    }
    return found;
}

async function cli(
    door: Door,
    project: Project,
    emulator: IscEmulator,
    args: string[],
    tokens: number,
    label = `pulumi ${args[0]}`,
): Promise<CliRun> {
    const load = () => round(loadavg()[0], 1);
    const loadAtStart = load();
    progress(`${door}: ${label}: pulumi ${args.join(" ")} (${tokens} tokens; load average ${loadAtStart})`);
    // The provider's own timing of this run's requests (provider/isc-client/timing.ts).
    const timingFile = project.env[TIMING_FILE_VARIABLE];
    writeFileSync(timingFile, "", { mode: 0o600 });
    const accepted = (r: RequestEntry) => r.operation !== "token" && r.status !== 429;
    const runStart = Date.now();
    const windowStart = runStart - API_LIMIT.windowSeconds * 1000;
    const carriedIn = emulator.requests.filter((r) => accepted(r) && Date.parse(r.at) > windowStart).length;
    emulator.resetRequests();
    const sampler = new RssSampler(PROVIDER_PROCESS[door]);
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
    const arrivals = log
        .filter(accepted)
        .map((r) => Date.parse(r.at))
        .sort((a, b) => a - b);
    const pacing = pacingFigures(arrivals);
    const timings = readTimings(readFileSync(timingFile, "utf8"));
    const windowMs = API_LIMIT.windowSeconds * 1000;
    const split = lagSplit(arrivals, timings, { requests: API_LIMIT.requests, windowMs });
    const floor = pacing.floorFromFirstWindowS;
    return {
        command: `pulumi ${args.join(" ")}`,
        label,
        tokens,
        parallel: args.includes("--parallel") ? Number(args[args.indexOf("--parallel") + 1]) : null,
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
        ...pacing,
        lagSplit: split,
        timedRequests: timings.length,
        timings,
        lanes: laneFigures(timings),
        pacerSpanRatio: split && floor ? round((floor + split.last.pacerS) / floor, 3) : null,
        loadAverage: { start: loadAtStart, end: load() },
        arrivalsS: arrivals.map((t) => round((t - arrivals[0]) / 1000, 3)),
        ...sampler.result(),
    };
}

/**
 * What the API's sliding window allowed against what came, from the accepted requests' arrival times
 * (ms, sorted). The first 100 go as fast as the engine asks; after them, request i could arrive at
 * allowed_i = allowed_(i-100) + 10 s (allowed = arrival for the first 100). The pacing lag is the
 * longest any request came after its allowed time (it adds up over the windows); the floor is the last
 * request's allowed time, from the first request; the span is the last request's arrival, from the first.
 */
export function pacingFigures(arrivals: readonly number[]): {
    spanS: number | null;
    floorFromFirstWindowS: number | null;
    spanRatio: number | null;
    lagS: number | null;
} {
    const n = arrivals.length;
    if (n === 0) return { spanS: null, floorFromFirstWindowS: null, spanRatio: null, lagS: null };
    const spanS = round((arrivals[n - 1] - arrivals[0]) / 1000, 2);
    if (n <= API_LIMIT.requests) return { spanS, floorFromFirstWindowS: null, spanRatio: null, lagS: null };
    const windowMs = API_LIMIT.windowSeconds * 1000;
    const allowed = arrivals.slice(0, API_LIMIT.requests);
    let lagMs = 0;
    for (let i = API_LIMIT.requests; i < n; i++) {
        allowed.push(allowed[i - API_LIMIT.requests] + windowMs);
        lagMs = Math.max(lagMs, arrivals[i] - allowed[i]);
    }
    const floorMs = allowed[n - 1] - arrivals[0];
    return {
        spanS,
        floorFromFirstWindowS: round(floorMs / 1000, 2),
        spanRatio: round((arrivals[n - 1] - arrivals[0]) / floorMs, 3),
        lagS: round(lagMs / 1000, 2),
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

function stateSize(resources: Record<string, unknown>[], type: string): StateSize {
    const tokens = resources.filter((r) => r.type === type);
    if (tokens.length === 0) throw new Error("no PersonalAccessToken in the stack export");
    const props = (key: string) => tokens.map((r) => (r[key] ?? {}) as Record<string, unknown>);
    return {
        tokens: tokens.length,
        bytesPerToken: round(mean(tokens.map(bytes)), 0),
        bytesWithoutEngineFields: round(
            mean(tokens.map(({ sourcePosition: _s, stackTrace: _t, ...rest }) => bytes(rest))),
            0,
        ),
        ownBytes: round(mean(tokenStateSizes(tokens).map((t) => t.bytes)), 0),
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

/** The dynamic door's stack: the e2e-program with `count` tokens named `name-<i>`. */
async function dynamicStack(sail: Record<string, string>, count: number, name: string): Promise<Project> {
    const project = new Project("e2e-program", sail);
    await project.init({ count: String(count) });
    await project.setConfig("token", { name, scope: ["sp:scopes:default"], expirationDate: inDays(60) });
    return project;
}

/**
 * The plugin's stack: a Pulumi YAML program of the same tokens (YAML has no loop: one resource each,
 * the default provider from SAIL_*), the plugin installed by name from its tarball in the project's
 * own PULUMI_HOME.
 */
async function pluginStack(
    sail: Record<string, string>,
    count: number,
    name: string,
    tarball: string,
    dirs: string[],
): Promise<Project> {
    const dir = mkdtempSync(join(tmpdir(), "pat-bench-yaml-"));
    dirs.push(dir);
    const resources = Array.from({ length: count }, (_, i) =>
        [
            `    token-${i}:`,
            "        type: iscpat:index:PersonalAccessToken",
            "        properties:",
            `            name: ${name}-${i}`,
            '            scope: ["sp:scopes:default"]',
            `            expirationDate: "${inDays(60)}"`,
        ].join("\n"),
    );
    writeFileSync(
        join(dir, "Pulumi.yaml"),
        ["name: pat-bench-yaml", "runtime: yaml", "resources:", ...resources, ""].join("\n"),
    );
    const project = new Project(dir, sail);
    await project.run(["plugin", "install", "resource", "iscpat", packageVersion(), "--file", tarball]);
    await project.init();
    return project;
}

export async function engineRuns(door: Door): Promise<EngineResult> {
    const creds = {
        clientId: `bench-${door}-${randomBytes(4).toString("hex")}`,
        clientSecret: randomBytes(24).toString("hex"),
    };
    const emulator = await IscEmulator.start({
        latencyMs: ENGINE_LATENCY_MS,
        rateLimit: API_LIMIT,
        // One owner holds up to 500 tokens: the per-owner cap (10, as in the product) is off.
        maxTokensPerOwner: null,
        clients: [creds],
    });
    const dirs: string[] = [mkdtempSync(join(tmpdir(), "pat-bench-timing-"))];
    const sail = {
        SAIL_BASE_URL: emulator.baseUrl,
        SAIL_CLIENT_ID: creds.clientId,
        SAIL_CLIENT_SECRET: creds.clientSecret,
        // The provider times its requests into this file, which each run empties first (cli()).
        [TIMING_FILE_VARIABLE]: join(dirs[0], "timing.jsonl"),
    };
    const projects: Project[] = [];
    try {
        let stack: (count: number, name: string) => Promise<Project>;
        if (door === "plugin") {
            progress("plugin: the YAML language host, the plugin's tarball");
            pulumiYamlCli();
            const tarballs = mkdtempSync(join(tmpdir(), "pat-bench-tarballs-"));
            dirs.push(tarballs);
            const [tarball] = writeTarballs(tarballs);
            stack = (count, name) => pluginStack(sail, count, name, tarball, dirs);
        } else {
            progress("dynamic: installing the e2e-program from the packed tarball");
            stack = (count, name) => dynamicStack(sail, count, name);
        }
        const project = await stack(ENGINE_TOKENS, `bench-${door}`);
        projects.push(project);
        const skip = ["--yes", "--skip-preview"];
        // Back to back, as a pipeline runs them.
        const runs: CliRun[] = [];
        runs.push(await cli(door, project, emulator, ["up", ...skip], ENGINE_TOKENS));
        expectTokens(emulator, ENGINE_TOKENS, "up");
        const state = stateSize(
            (await project.exportState()).deployment.resources,
            door === "plugin" ? RESOURCE_TOKEN : TOKEN_TYPE,
        );
        runs.push(
            await cli(door, project, emulator, ["preview"], ENGINE_TOKENS, "pulumi preview (no changes)"),
        );
        runs.push(await cli(door, project, emulator, ["refresh", ...skip], ENGINE_TOKENS));
        runs.push(await cli(door, project, emulator, ["destroy", ...skip], ENGINE_TOKENS));
        expectTokens(emulator, 0, "destroy");

        // The same up and destroy with more of the engine's lanes, right after, in the same conditions.
        // Each starts a window after the last run's requests, as the first up did: none is carried in.
        const raised: CliRun[] = [];
        for (const parallel of RAISED_PARALLELS) {
            for (const command of ["up", "destroy"]) {
                await new Promise((resolve) => setTimeout(resolve, API_LIMIT.windowSeconds * 1000));
                raised.push(
                    await cli(
                        door,
                        project,
                        emulator,
                        [command, ...skip, "--parallel", String(parallel)],
                        ENGINE_TOKENS,
                        `pulumi ${command} --parallel ${parallel}`,
                    ),
                );
                expectTokens(emulator, command === "up" ? ENGINE_TOKENS : 0, command);
            }
        }

        // Memory and the span at 500, under the same limit.
        const big = await stack(MEMORY_TOKENS, `bench-${door}-500`);
        projects.push(big);
        const memory: CliRun[] = [];
        memory.push(await cli(door, big, emulator, ["up", ...skip], MEMORY_TOKENS));
        expectTokens(emulator, MEMORY_TOKENS, "up");
        // The engine's and the provider process's own cost: the same program, nothing to change.
        memory.push(
            await cli(door, big, emulator, ["preview"], MEMORY_TOKENS, "pulumi preview (no changes)"),
        );
        memory.push(await cli(door, big, emulator, ["destroy", ...skip], MEMORY_TOKENS));
        expectTokens(emulator, 0, "destroy");
        const idle =
            door === "dynamic"
                ? {
                      node: idleRssMb(big.dir, []),
                      pulumi: idleRssMb(big.dir, ["@pulumi/pulumi"]),
                      pulumiAndPackage: idleRssMb(big.dir, [
                          "@pulumi/pulumi",
                          "@isc-pat/pulumi-sailpoint-pat",
                      ]),
                  }
                : undefined;
        return {
            door,
            settings: {
                latencyMs: ENGINE_LATENCY_MS,
                rateLimit: API_LIMIT,
                tokens: ENGINE_TOKENS,
                memoryTokens: MEMORY_TOKENS,
            },
            runs,
            raised,
            state,
            memory,
            idleRssMb: idle,
            programDir: big.dir,
        };
    } finally {
        for (const project of projects) project.cleanup();
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        await emulator.stop();
    }
}

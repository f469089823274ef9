// Section 8: the two doors side by side, on the same work in one run (a YAML program through the
// installed plugin, the TypeScript program through the dynamic door), each figure against its target.
// Pure: engine and start-up results in, figures and their Markdown out. The benchmark writes the
// figures to bench/doors.json and their table into README.md between the markers below; a unit test
// (test/unit/bench-readme.test.ts) proves the README quotes exactly the figures of that file.
import * as prettier from "prettier";
import type { CliRun, EngineResult } from "./engine";
import type { LagShares } from "./lag";
import type { PluginResult } from "./plugin";
import { round } from "./report";

export const README_START = "<!-- bench:doors:start (written by npm run bench from bench/doors.json) -->";
export const README_END = "<!-- bench:doors:end -->";

/**
 * The API's window, 100 requests per 10 s, as bench/engine.ts's API_LIMIT has the emulator enforce it
 * (this module imports only engine.ts's types, so that the README's table renders without its set-up).
 */
const API_WINDOW_REQUESTS = 100;

/**
 * The targets (issue 29, item 5). The lag and span are held to them twice: as measured at the
 * API (the engine's pace included) and as the pacer's share alone (bench/lag.ts), the same in both doors.
 */
export const TARGETS = {
    lagS: 0.3,
    spanRatio: 1.05,
    pluginPeakRssMiB: 80,
    pluginStateBytes: 1000,
} as const;

export interface DoorFigures {
    tokens: number;
    memoryTokens: number;
    upWallS: number;
    previewS: number;
    upLagS: number | null;
    destroyLagS: number | null;
    /** Span of the up of memoryTokens over what the API's windows allowed after the first window (engine.ts's pacingFigures). */
    spanRatio: number | null;
    /** The pacer's share of the lag (bench/lag.ts: its hold while the API's window had room), `up` and `destroy`. */
    upPacerLagS?: number | null;
    destroyPacerLagS?: number | null;
    /** The shares of the largest lag of `up` and `destroy`, and of the last request's in the span's `up`. */
    upLagShares?: LagShares | null;
    destroyLagShares?: LagShares | null;
    spanLagShares?: LagShares | null;
    /** The span had the pacer's holds been its only delay (engine.ts's pacerSpanRatio). */
    pacerSpanRatio?: number | null;
    /** The lowest and highest 1-minute load average at the start or end of the door's runs. */
    loadAverage?: { min: number; max: number };
    /** 429 answers over every run of the door. */
    status429: number;
    /** Peak RSS of the provider process over the up, no-change preview and destroy of memoryTokens (MiB, VmHWM). */
    peakRssMiB: number | null;
    startupMs: number;
    tarballKiB: number;
    /**
     * Issue 29's measure of the state per token: the whole record without sourcePosition/stackTrace, the
     * engine's own fields (urn, parent, provider reference, ...) included (docs/testing.md tells them apart).
     */
    stateBytes: number;
    /** The provider's own part of it (id, inputs, outputs, without `__provider`); absent from runs before it was measured. */
    stateOwnBytes?: number;
    /**
     * The most engine calls the provider held at once in the `up` of `tokens`, under the engine's default
     * `--parallel` (bench/lanes.ts); absent from runs before it was measured.
     */
    upCallsAtOnce?: number;
    /** In that `up`, the median time from a call's last answer to the next call on the freed lane (bench/lanes.ts). */
    upLaneWaitMs?: number | null;
    /** The same `up` and `destroy` of `tokens` with `--parallel` raised, right after; absent from runs before. */
    raised?: RaisedFigures;
}

/** The `up` and `destroy` of `tokens` again, with the engine's `--parallel` raised (bench/engine.ts). */
export interface RaisedFigures {
    parallel: number;
    upWallS: number;
    upLagS: number | null;
    destroyLagS: number | null;
    upPacerLagS: number | null;
    destroyPacerLagS: number | null;
    upLagShares: LagShares | null;
    destroyLagShares: LagShares | null;
    upCallsAtOnce: number;
}

export interface DoorsFigures {
    /** When and where measured, and how loaded the machine was (load average at the start). */
    measured: { date: string; node: string; cpus: number; loadAverage: number };
    plugin: DoorFigures;
    dynamic: DoorFigures;
}

function run(e: EngineResult, runs: CliRun[], command: string): CliRun {
    const found = runs.find((r) => r.command.startsWith(command));
    if (!found) throw new Error(`no ${command} run for the ${e.door} door`);
    return found;
}

/** A split's four shares (without the total, which is the lag row's). */
function sharesOf(split: LagShares | undefined): LagShares | null {
    if (!split) return null;
    const { engineS, providerS, pacerS, sendingS } = split;
    return { engineS, providerS, pacerS, sendingS };
}

/** The first raised `--parallel`'s `up` and `destroy`, when the run had them. */
export function raisedFigures(e: EngineResult): RaisedFigures | undefined {
    const up = e.raised.find((r) => r.command.startsWith("pulumi up"));
    const destroy = e.raised.find(
        (r) => r.command.startsWith("pulumi destroy") && r.parallel === up?.parallel,
    );
    if (!up?.parallel || !destroy) return undefined;
    return {
        parallel: up.parallel,
        upWallS: up.wallS,
        upLagS: up.lagS,
        destroyLagS: destroy.lagS,
        upPacerLagS: up.lagSplit?.pacerLagS ?? null,
        destroyPacerLagS: destroy.lagSplit?.pacerLagS ?? null,
        upLagShares: sharesOf(up.lagSplit?.worst),
        destroyLagShares: sharesOf(destroy.lagSplit?.worst),
        upCallsAtOnce: up.lanes.maxInFlight,
    };
}

export function doorFigures(e: EngineResult, startupMs: number, tarballBytes: number): DoorFigures {
    const peaks = e.memory.map((r) => Math.max(r.peakRssMb ?? 0, r.hwmMb ?? 0));
    const [up, destroy, big] = [
        run(e, e.runs, "pulumi up"),
        run(e, e.runs, "pulumi destroy"),
        run(e, e.memory, "pulumi up"),
    ];
    const loads = [...e.runs, ...e.raised, ...e.memory].flatMap((r) => [
        r.loadAverage.start,
        r.loadAverage.end,
    ]);
    return {
        tokens: e.settings.tokens,
        memoryTokens: e.settings.memoryTokens,
        upWallS: run(e, e.runs, "pulumi up").wallS,
        previewS: run(e, e.runs, "pulumi preview").wallS,
        upLagS: run(e, e.runs, "pulumi up").lagS,
        destroyLagS: run(e, e.runs, "pulumi destroy").lagS,
        spanRatio: run(e, e.memory, "pulumi up").spanRatio,
        upPacerLagS: up.lagSplit?.pacerLagS ?? null,
        destroyPacerLagS: destroy.lagSplit?.pacerLagS ?? null,
        upLagShares: sharesOf(up.lagSplit?.worst),
        destroyLagShares: sharesOf(destroy.lagSplit?.worst),
        spanLagShares: sharesOf(big.lagSplit?.last),
        pacerSpanRatio: big.pacerSpanRatio,
        loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
        status429: [...e.runs, ...e.raised, ...e.memory].reduce((sum, r) => sum + r.status429, 0),
        peakRssMiB: e.memory.every((r) => r.peakRssMb !== null) ? Math.max(...peaks) : null,
        startupMs,
        tarballKiB: round(tarballBytes / 1024, 0),
        stateBytes: e.state.bytesWithoutEngineFields,
        stateOwnBytes: e.state.ownBytes,
        upCallsAtOnce: up.lanes.maxInFlight,
        upLaneWaitMs: up.lanes.turnaroundMs?.all ?? null,
        raised: raisedFigures(e),
    };
}

export function doorsFigures(
    plugin: EngineResult,
    dynamic: EngineResult,
    p: PluginResult,
    measured: DoorsFigures["measured"],
): DoorsFigures {
    return {
        measured,
        plugin: doorFigures(plugin, p.startupMs, p.tarballBytes),
        dynamic: doorFigures(dynamic, p.dynamicStartupMs, p.npmTarballBytes),
    };
}

/** One row: the figure, each door's value, the target and each door's verdict (null: no target). */
export interface DoorRow {
    figure: string;
    plugin: string;
    dynamic: string;
    target: string;
    pass: { plugin: boolean | null; dynamic: boolean | null };
}

const atMost = (value: number | null, max: number) => (value === null ? false : value <= max);
const show = (value: number | null, unit: string) => (value === null ? "-" : `${value}${unit}`);

/** The order of the shares in a cell (bench/lag.ts). */
const SHARES_LEGEND = "engine + provider + pacer + sending";
const showShares = (s: LagShares | null) =>
    s === null ? "-" : `${s.engineS} + ${s.providerS} + ${s.pacerS} + ${s.sendingS} s`;

/** A door's lag figures of one `up` and `destroy`: the default's, or the raised `--parallel`'s. */
type LagFigures = Pick<
    DoorFigures,
    "upLagS" | "destroyLagS" | "upPacerLagS" | "destroyPacerLagS" | "upLagShares" | "destroyLagShares"
>;

/** The lag of `up` and `destroy`, each against its target at the API and as the pacer's share, with its shares. */
function lagRows(
    tokens: number,
    prefix: string,
    figures: (door: DoorFigures) => LagFigures | undefined,
    doors: { p: DoorFigures; d: DoorFigures },
): DoorRow[] {
    const [p, d] = [figures(doors.p), figures(doors.d)];
    const judge = (value: number | null | undefined) =>
        value === null || value === undefined ? null : atMost(value, TARGETS.lagS);
    return (["up", "destroy"] as const).flatMap((command): DoorRow[] => {
        const lag = (door?: LagFigures) => (command === "up" ? door?.upLagS : door?.destroyLagS) ?? null;
        const pacer = (door?: LagFigures) =>
            (command === "up" ? door?.upPacerLagS : door?.destroyPacerLagS) ?? null;
        const split = (door?: LagFigures) =>
            (command === "up" ? door?.upLagShares : door?.destroyLagShares) ?? null;
        return [
            {
                figure: `${prefix}pacing lag after the API's windows, \`${command}\` of ${tokens}, at the API`,
                plugin: show(lag(p), " s"),
                dynamic: show(lag(d), " s"),
                target: `<= ${TARGETS.lagS} s`,
                pass: { plugin: atMost(lag(p), TARGETS.lagS), dynamic: atMost(lag(d), TARGETS.lagS) },
            },
            {
                figure: "of which the pacer's hold while the window had room",
                plugin: show(pacer(p), " s"),
                dynamic: show(pacer(d), " s"),
                target: `<= ${TARGETS.lagS} s`,
                // A figure that a run before the provider's timing could not give has no verdict.
                pass: { plugin: judge(pacer(p)), dynamic: judge(pacer(d)) },
            },
            {
                figure: `its shares: ${SHARES_LEGEND}`,
                plugin: showShares(split(p)),
                dynamic: showShares(split(d)),
                target: "-",
                pass: { plugin: null, dynamic: null },
            },
        ];
    });
}

/** The same `up` and `destroy` with `--parallel` raised: its lanes, its wall time and its lags. */
function raisedRows(f: DoorsFigures, parallel: number): DoorRow[] {
    const [p, d] = [f.plugin.raised, f.dynamic.raised];
    if (!p || !d) return [];
    const prefix = `with \`--parallel ${parallel}\`: `;
    const none = { plugin: null, dynamic: null };
    return [
        {
            figure: `${prefix}engine calls the provider held at once, \`up\` of ${f.plugin.tokens}`,
            plugin: String(p.upCallsAtOnce),
            dynamic: String(d.upCallsAtOnce),
            target: "-",
            pass: none,
        },
        {
            figure: `${prefix}\`up\` of ${f.plugin.tokens}, wall time`,
            plugin: `${p.upWallS} s`,
            dynamic: `${d.upWallS} s`,
            target: "-",
            pass: none,
        },
        ...lagRows(f.plugin.tokens, prefix, (door) => door.raised, { p: f.plugin, d: f.dynamic }),
    ];
}

export function doorRows(f: DoorsFigures): DoorRow[] {
    const { plugin: p, dynamic: d } = f;
    const both = (test: (door: DoorFigures) => boolean) => ({ plugin: test(p), dynamic: test(d) });
    // A figure that a run before the provider's timing could not give has no verdict.
    const measured = (value: (door: DoorFigures) => number | null, max: number) => {
        const judge = (door: DoorFigures) => (value(door) === null ? null : atMost(value(door), max));
        return { plugin: judge(p), dynamic: judge(d) };
    };
    return [
        {
            figure: `\`up\` of ${p.tokens}, wall time`,
            plugin: `${p.upWallS} s`,
            dynamic: `${d.upWallS} s`,
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        ...(p.upCallsAtOnce === undefined || d.upCallsAtOnce === undefined
            ? []
            : [
                  {
                      figure: `engine calls the provider held at once, \`up\` of ${p.tokens}, the engine's default \`--parallel\` (4 x GOMAXPROCS)`,
                      plugin: String(p.upCallsAtOnce),
                      dynamic: String(d.upCallsAtOnce),
                      target: "-",
                      pass: { plugin: null, dynamic: null },
                  },
              ]),
        ...lagRows(p.tokens, "", (door) => door, { p, d }),
        ...(p.raised && d.raised ? raisedRows(f, p.raised.parallel) : []),
        {
            figure: `request span of the \`up\` of ${p.memoryTokens} / what the API's windows allow, at the API`,
            plugin: show(p.spanRatio, "x"),
            dynamic: show(d.spanRatio, "x"),
            target: `<= ${TARGETS.spanRatio}x`,
            pass: both((door) => atMost(door.spanRatio, TARGETS.spanRatio)),
        },
        {
            figure: "the same span, had the pacer's holds been its only delay",
            plugin: show(p.pacerSpanRatio ?? null, "x"),
            dynamic: show(d.pacerSpanRatio ?? null, "x"),
            target: `<= ${TARGETS.spanRatio}x`,
            pass: measured((door) => door.pacerSpanRatio ?? null, TARGETS.spanRatio),
        },
        {
            figure: `the span beyond the floor, its shares: ${SHARES_LEGEND}`,
            plugin: showShares(p.spanLagShares ?? null),
            dynamic: showShares(d.spanLagShares ?? null),
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: "load average (1 minute) at the start and end of each run, lowest to highest",
            plugin: p.loadAverage ? `${p.loadAverage.min} to ${p.loadAverage.max}` : "-",
            dynamic: d.loadAverage ? `${d.loadAverage.min} to ${d.loadAverage.max}` : "-",
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: "429 answers, every run",
            plugin: String(p.status429),
            dynamic: String(d.status429),
            target: "0",
            pass: both((door) => door.status429 === 0),
        },
        {
            figure: `provider peak RSS, ${p.memoryTokens} tokens (up, no-change preview, destroy)`,
            plugin: show(p.peakRssMiB, " MiB"),
            dynamic: show(d.peakRssMiB, " MiB"),
            target: `plugin <= ${TARGETS.pluginPeakRssMiB} MiB`,
            pass: { plugin: atMost(p.peakRssMiB, TARGETS.pluginPeakRssMiB), dynamic: null },
        },
        {
            figure: `no-change preview of ${p.tokens}`,
            plugin: `${p.previewS} s`,
            dynamic: `${d.previewS} s`,
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: "provider start-up, spawn to the port on stdout (median of 5)",
            plugin: `${p.startupMs} ms`,
            dynamic: `${d.startupMs} ms`,
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: "tarball (plugin: one platform's; dynamic: the npm package)",
            plugin: `${p.tarballKiB} KiB`,
            dynamic: `${d.tarballKiB} KiB`,
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: "state per token, all but sourcePosition/stackTrace (engine's fields too)",
            plugin: `${p.stateBytes} B`,
            dynamic: `${d.stateBytes} B`,
            target: `plugin <= ${TARGETS.pluginStateBytes} B`,
            pass: { plugin: p.stateBytes <= TARGETS.pluginStateBytes, dynamic: null },
        },
        ...(p.stateOwnBytes === undefined || d.stateOwnBytes === undefined
            ? []
            : [
                  {
                      figure: "of which the provider's own (id, inputs, outputs; no `__provider`)",
                      plugin: `${p.stateOwnBytes} B`,
                      dynamic: `${d.stateOwnBytes} B`,
                      target: `<= ${TARGETS.pluginStateBytes} B`,
                      pass: both((door) => (door.stateOwnBytes ?? 0) <= TARGETS.pluginStateBytes),
                  },
              ]),
    ];
}

const verdictOf = (pass: boolean | null) => (pass === null ? "" : pass ? "met" : "missed");

const SHARE_NAMES: Record<keyof LagShares, string> = {
    engineS: "before the engine's calls reached the provider",
    providerS: "the provider's work before asking the pacer",
    pacerS: "the pacer's hold",
    sendingS: "sending",
};

/** Each lag's largest share, door by door: whose the lag was, in words and numbers. */
export function largestShares(f: DoorsFigures): string | undefined {
    const lags = [
        {
            what: `the \`up\` of ${f.plugin.tokens}`,
            of: (d: DoorFigures) => [d.upLagS, d.upLagShares] as const,
        },
        {
            what: `the \`destroy\` of ${f.plugin.tokens}`,
            of: (d: DoorFigures) => [d.destroyLagS, d.destroyLagShares] as const,
        },
        {
            what: `the span of the \`up\` of ${f.plugin.memoryTokens} beyond its floor`,
            of: (d: DoorFigures) => [null, d.spanLagShares] as const,
        },
    ];
    const parts = lags.flatMap(({ what, of }) => {
        const doors = (["plugin", "dynamic"] as const).flatMap((name) => {
            const [lag, shares] = of(f[name]);
            if (!shares) return [];
            const total = round(shares.engineS + shares.providerS + shares.pacerS + shares.sendingS, 2);
            const key = (Object.keys(SHARE_NAMES) as (keyof LagShares)[]).reduce((a, b) =>
                shares[b] > shares[a] ? b : a,
            );
            const door = name === "plugin" ? "the plugin" : "the dynamic door";
            return [`${door} ${shares[key]} of ${lag ?? total} s ${SHARE_NAMES[key]}`];
        });
        return doors.length > 0 ? [`${what}: ${doors.join(", ")}`] : [];
    });
    return parts.length > 0 ? `The largest share of each lag: ${parts.join("; ")}.` : undefined;
}

/** The README's table: every figure of `f`, each against its target, met or missed. */
export function doorsMarkdown(f: DoorsFigures): string {
    const m = f.measured;
    const lines = [
        `Measured by the benchmark on ${m.date.slice(0, 10)} (Node ${m.node}, ${m.cpus} CPUs, load average ${m.loadAverage} at the start: ${m.loadAverage < m.cpus ? "a quiet machine" : "a busy machine, timings inflated"}), against the emulator enforcing ${API_WINDOW_REQUESTS} requests per 10 s:`,
        "",
        "| | plugin (YAML) | dynamic door (TypeScript) | target | plugin | dynamic door |",
        "|---|---|---|---|---|---|",
        ...doorRows(f).map(
            (r) =>
                `| ${r.figure} | ${r.plugin} | ${r.dynamic} | ${r.target} | ${verdictOf(r.pass.plugin)} | ${verdictOf(r.pass.dynamic)} |`,
        ),
    ];
    const shares = largestShares(f);
    if (shares) {
        lines.push(
            "",
            `The lag's shares (bench/lag.ts pairs the timing the provider records of each request with its arrival at the API): *engine*, before the engine's call reached the provider (the engine's, the language host's and the machine's time); *provider*, the provider at work on the call before it asked the pacer (the list before a create); *pacer*, the pacer's hold while the API's window had room; *sending*, granted and on its way (got, the event loops, loopback). ${shares}`,
        );
    }
    const lanes = lanesText(f);
    if (lanes) lines.push("", lanes);
    return lines.join("\n");
}

/** Both doors' figures of a run that measured the engine's lanes, or undefined. */
function laneFiguresOf(f: DoorsFigures) {
    const { plugin: p, dynamic: d } = f;
    if (p.upCallsAtOnce === undefined || d.upCallsAtOnce === undefined || !p.raised || !d.raised)
        return undefined;
    return { p, d, pr: p.raised, dr: d.raised };
}

/** Whether a door's raised `up` and `destroy` met the lag's target at the API. */
export function raisedMet(door: DoorFigures): boolean {
    return (
        !!door.raised &&
        atMost(door.raised.upLagS, TARGETS.lagS) &&
        atMost(door.raised.destroyLagS, TARGETS.lagS)
    );
}

/** What the engine's lanes did, in words and the run's numbers; what `--parallel N` changes for a fleet. */
export function lanesText(f: DoorsFigures): string | undefined {
    const lanes = laneFiguresOf(f);
    if (!lanes) return undefined;
    const { p, d, pr, dr } = lanes;
    const n = pr.parallel;
    const both = (a: number | null | undefined, b: number | null | undefined, unit = " s") =>
        `${a ?? "-"}${unit} (plugin) and ${b ?? "-"}${unit} (dynamic door)`;
    const engine = (s: LagShares | null) => s?.engineS ?? null;
    const sentences = [
        `The engine runs at most \`--parallel\` resource operations at once (the CLI's default is 4 x GOMAXPROCS, the CPUs Go sees): in the \`up\` of ${p.tokens} above, the provider held at most ${both(p.upCallsAtOnce, d.upCallsAtOnce, "")} of the engine's calls at once.`,
        `A create is up to two paced requests (the owner's list, then the POST), and a freed lane waited a median ${both(p.upLaneWaitMs, d.upLaneWaitMs, " ms")} for the engine's next call (it writes the whole state as each step begins and ends)${atMost(p.upLagS, TARGETS.lagS) && atMost(d.upLagS, TARGETS.lagS) ? "." : ": with so few lanes, the engine asks for a window's room later than the API gives it, and the lag adds up over the windows."}`,
        `The same \`up\` and \`destroy\` right after with \`--parallel ${n}\`, one lane for each request the API's window takes at once: the provider held ${both(pr.upCallsAtOnce, dr.upCallsAtOnce, "")} calls at once; the \`up\`'s lag was ${both(pr.upLagS, dr.upLagS)}, of which ${both(engine(pr.upLagShares), engine(dr.upLagShares))} before the engine's calls reached the provider; the \`destroy\`'s ${both(pr.destroyLagS, dr.destroyLagS)}.`,
    ];
    if (raisedMet(p) && raisedMet(d)) {
        sentences.push(
            `So for a fleet of more than ${API_WINDOW_REQUESTS} tokens, run \`up\` and \`destroy\` with \`--parallel ${n}\` (or \`PULUMI_PARALLEL=${n}\`): the API's limit, not the engine's lanes, then sets the pace.`,
        );
    }
    return sentences.join(" ");
}

/** The table as the README holds it: formatted as `npm run lint` wants Markdown (prettier pads the columns). */
export async function formattedDoorsMarkdown(f: DoorsFigures, readmePath: string): Promise<string> {
    const options = (await prettier.resolveConfig(readmePath)) ?? {};
    return (await prettier.format(doorsMarkdown(f), { ...options, parser: "markdown" })).trim();
}

/** `readme` with the block between the markers replaced by `table`. */
export function withDoorsTable(readme: string, table: string): string {
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} ... ${README_END} block`);
    // Blank lines around the table: without them, Markdown reads the markers as part of the paragraph and
    // the table, and prettier would leave the table unformatted.
    return `${readme.slice(0, start + README_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

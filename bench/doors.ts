// Section 8: the two doors side by side, on the same work in one run (a YAML program through the
// installed plugin, the TypeScript program through the dynamic door), each figure against its target.
// Pure: engine and start-up results in, figures and their Markdown out. The benchmark writes the
// figures to bench/doors.json and their table into README.md between the markers below; a unit test
// (test/unit/bench-readme.test.ts) proves the README quotes exactly the figures of that file.
import * as prettier from "prettier";
import type { CliRun, EngineResult } from "./engine";
import type { PluginResult } from "./plugin";
import { round } from "./report";

export const README_START = "<!-- bench:doors:start (written by npm run bench from bench/doors.json) -->";
export const README_END = "<!-- bench:doors:end -->";

/** The targets (issue 29, item 5); the lag and span are the pacer's, the same in both doors. */
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

export function doorFigures(e: EngineResult, startupMs: number, tarballBytes: number): DoorFigures {
    const peaks = e.memory.map((r) => Math.max(r.peakRssMb ?? 0, r.hwmMb ?? 0));
    return {
        tokens: e.settings.tokens,
        memoryTokens: e.settings.memoryTokens,
        upWallS: run(e, e.runs, "pulumi up").wallS,
        previewS: run(e, e.runs, "pulumi preview").wallS,
        upLagS: run(e, e.runs, "pulumi up").lagS,
        destroyLagS: run(e, e.runs, "pulumi destroy").lagS,
        spanRatio: run(e, e.memory, "pulumi up").spanRatio,
        status429: [...e.runs, ...e.memory].reduce((sum, r) => sum + r.status429, 0),
        peakRssMiB: e.memory.every((r) => r.peakRssMb !== null) ? Math.max(...peaks) : null,
        startupMs,
        tarballKiB: round(tarballBytes / 1024, 0),
        stateBytes: e.state.bytesWithoutEngineFields,
        stateOwnBytes: e.state.ownBytes,
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

export function doorRows(f: DoorsFigures): DoorRow[] {
    const { plugin: p, dynamic: d } = f;
    const both = (test: (door: DoorFigures) => boolean) => ({ plugin: test(p), dynamic: test(d) });
    return [
        {
            figure: `\`up\` of ${p.tokens}, wall time`,
            plugin: `${p.upWallS} s`,
            dynamic: `${d.upWallS} s`,
            target: "-",
            pass: { plugin: null, dynamic: null },
        },
        {
            figure: `pacing lag after the API's windows, \`up\` of ${p.tokens}`,
            plugin: show(p.upLagS, " s"),
            dynamic: show(d.upLagS, " s"),
            target: `<= ${TARGETS.lagS} s`,
            pass: both((door) => atMost(door.upLagS, TARGETS.lagS)),
        },
        {
            figure: `pacing lag after the API's windows, \`destroy\` of ${p.tokens}`,
            plugin: show(p.destroyLagS, " s"),
            dynamic: show(d.destroyLagS, " s"),
            target: `<= ${TARGETS.lagS} s`,
            pass: both((door) => atMost(door.destroyLagS, TARGETS.lagS)),
        },
        {
            figure: `request span of the \`up\` of ${p.memoryTokens} / what the API's windows allow`,
            plugin: show(p.spanRatio, "x"),
            dynamic: show(d.spanRatio, "x"),
            target: `<= ${TARGETS.spanRatio}x`,
            pass: both((door) => atMost(door.spanRatio, TARGETS.spanRatio)),
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

/** The README's table: every figure of `f`, each against its target, met or missed. */
export function doorsMarkdown(f: DoorsFigures): string {
    const m = f.measured;
    const lines = [
        `Measured by the benchmark on ${m.date.slice(0, 10)} (Node ${m.node}, ${m.cpus} CPUs, load average ${m.loadAverage} at the start: a shared machine), against the emulator enforcing 100 requests per 10 s:`,
        "",
        "| | plugin (YAML) | dynamic door (TypeScript) | target | plugin | dynamic door |",
        "|---|---|---|---|---|---|",
        ...doorRows(f).map(
            (r) =>
                `| ${r.figure} | ${r.plugin} | ${r.dynamic} | ${r.target} | ${verdictOf(r.pass.plugin)} | ${verdictOf(r.pass.dynamic)} |`,
        ),
    ];
    return lines.join("\n");
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

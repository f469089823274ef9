// The README's performance figures are the benchmark's: the table between the markers in README.md is
// exactly what `npm run bench` renders from the figures it wrote to bench/doors.json (bench/doors.ts),
// so no figure in it is typed by hand. And the pacing figures it quotes, on arrivals made up here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
    doorRows,
    doorsMarkdown,
    formattedDoorsMarkdown,
    lanesText,
    largestShares,
    raisedMet,
    README_END,
    README_START,
    withDoorsTable,
    type DoorsFigures,
} from "../../bench/doors";
import { API_LIMIT, pacingFigures, RAISED_PARALLELS } from "../../bench/engine";
import { REPO } from "../../scripts/pulumi-project";

describe("README's performance figures", () => {
    const readme = () => readFileSync(join(REPO, "README.md"), "utf8");
    const doors = () => JSON.parse(readFileSync(join(REPO, "bench", "doors.json"), "utf8")) as DoorsFigures;

    it("quote bench/doors.json, as the benchmark writes them, each against its target", async () => {
        const [text, figures] = [readme(), doors()];
        const table = await formattedDoorsMarkdown(figures, join(REPO, "README.md"));
        const start = text.indexOf(README_START);
        const end = text.indexOf(README_END);
        assert.ok(start >= 0 && end > start, "README.md has the benchmark's block");
        assert.equal(text.slice(start + README_START.length, end).trim(), table);
        assert.equal(withDoorsTable(text, table), text, "the benchmark's rewrite changes nothing");
    });

    it("name every door's figure the issue asks for, with its unit", () => {
        const figures = doors();
        const table = doorsMarkdown(figures);
        for (const door of [figures.plugin, figures.dynamic]) {
            for (const value of [
                `${door.upWallS} s`,
                `${door.previewS} s`,
                `${door.startupMs} ms`,
                `${door.tarballKiB} KiB`,
                `${door.stateBytes} B`,
            ]) {
                assert.ok(table.includes(` ${value} |`), `the table quotes ${value}`);
                assert.ok(readme().includes(` ${value} `), `the README quotes ${value}`);
            }
        }
        assert.match(table, /\| (met|missed) \|/);
    });

    it("says whether the machine was quiet: a load average under its CPUs, or busy and its timings inflated", () => {
        const figures = doors();
        const at = (loadAverage: number) =>
            doorsMarkdown({ ...figures, measured: { ...figures.measured, cpus: 2, loadAverage } }).split(
                "\n",
            )[0];
        assert.match(at(0.7), /load average 0\.7 at the start: a quiet machine\)/);
        assert.match(at(2), /load average 2 at the start: a busy machine, timings inflated\)/);
        // The window it names is the one the benchmark's emulator enforces.
        assert.ok(
            at(1).endsWith(
                `against the emulator enforcing ${API_LIMIT.requests} requests per ${API_LIMIT.windowSeconds} s:`,
            ),
        );
    });

    it("the state both ways: the whole record's figure, and the provider's own part once a run measured it", () => {
        const figures = doors();
        const own = (table: string) => table.split("\n").find((l) => l.includes("the provider's own"));
        const measured = {
            ...figures,
            plugin: { ...figures.plugin, stateOwnBytes: 672 },
            dynamic: { ...figures.dynamic, stateOwnBytes: 1001 },
        };
        assert.equal(
            own(doorsMarkdown({ ...figures, plugin: { ...figures.plugin, stateOwnBytes: undefined } })),
            undefined,
        );
        assert.equal(
            own(doorsMarkdown(measured)),
            "| of which the provider's own (id, inputs, outputs; no `__provider`) | 672 B | 1001 B | <= 1000 B | met | missed |",
        );
    });

    it("the lag against its target twice: as the API saw it, and the pacer's share, with whose the rest was", () => {
        const figures = doors();
        const shares = { engineS: 5.5, providerS: 0.2, pacerS: 0.1, sendingS: 0.05 };
        const plugin = {
            ...figures.plugin,
            upLagS: 5.85,
            upPacerLagS: 0.25,
            upLagShares: shares,
            destroyPacerLagS: null,
            destroyLagShares: null,
        };
        const f = { ...figures, plugin, dynamic: { ...figures.dynamic, upPacerLagS: 0.4 } };
        const rows = doorRows(f);
        const up = rows.findIndex((r) => r.figure.startsWith("pacing lag after the API's windows, `up`"));
        assert.deepEqual(rows[up].pass, { plugin: false, dynamic: figures.dynamic.upLagS! <= 0.3 });
        assert.deepEqual(
            [rows[up + 1].plugin, rows[up + 1].dynamic, rows[up + 1].pass],
            ["0.25 s", "0.4 s", { plugin: true, dynamic: false }],
        );
        assert.equal(rows[up + 2].plugin, "5.5 + 0.2 + 0.1 + 0.05 s");
        // Not measured (a run before the provider timed its requests): no verdict.
        const destroy = rows.findIndex((r) =>
            r.figure.startsWith("pacing lag after the API's windows, `destroy`"),
        );
        assert.equal(rows[destroy + 1].plugin, "-");
        assert.equal(rows[destroy + 1].pass.plugin, null);
        assert.match(
            largestShares(f) ?? "",
            /the `up` of 200: the plugin 5.5 of 5.85 s before the engine's calls reached the provider/,
        );
    });

    it("pacing figures: the lag adds up over the windows; the floor starts from the first window as the engine paced it", () => {
        // The engine sent the first 100 over 2 s; each later request came 0.1 s after the window let it in.
        const first = Array.from({ length: 100 }, (_, i) => i * 20);
        const later = (k: number) => first.map((t) => t + k * 10_000 + k * 100);
        const arrivals = [...first, ...later(1), ...later(2)];
        const f = pacingFigures(arrivals);
        assert.equal(f.lagS, 0.2, "two windows of 0.1 s");
        assert.equal(f.floorFromFirstWindowS, 21.98);
        assert.equal(f.spanS, 22.18);
        assert.equal(f.spanRatio, Math.round((22.18 / 21.98) * 1000) / 1000);
        assert.deepEqual(pacingFigures(first.slice(0, 50)), {
            spanS: 0.98,
            floorFromFirstWindowS: null,
            spanRatio: null,
            lagS: null,
        });
    });
    /** doors.json's figures with the engine's lanes measured: 8 by default, `--parallel 100` raised. */
    function withLanes(upLagS: { plugin: number; dynamic: number }): DoorsFigures {
        const figures = doors();
        const raised = (lag: number) => ({
            parallel: 100,
            upWallS: 21.5,
            upLagS: lag,
            destroyLagS: 0.1,
            upPacerLagS: 0.05,
            destroyPacerLagS: 0.08,
            upLagShares: { engineS: 0, providerS: 0.02, pacerS: lag - 0.03, sendingS: 0.01 },
            destroyLagShares: { engineS: 0, providerS: 0, pacerS: 0.08, sendingS: 0.02 },
            upCallsAtOnce: 100,
        });
        const lanes = { upCallsAtOnce: 8, upLaneWaitMs: 210.5 };
        return {
            ...figures,
            plugin: { ...figures.plugin, ...lanes, raised: raised(upLagS.plugin) },
            dynamic: { ...figures.dynamic, ...lanes, raised: raised(upLagS.dynamic) },
        };
    }

    it("the engine's lanes: the default's and a raised --parallel's, said which is which, each lag against its target", () => {
        const f = withLanes({ plugin: 0.2, dynamic: 0.35 });
        const rows = doorRows(f);
        const row = (start: string) => {
            const found = rows.find((r) => r.figure.startsWith(start));
            assert.ok(found, `a row ${start}`);
            return found;
        };
        assert.equal(
            row("engine calls the provider held at once, `up` of 200, the engine's default").plugin,
            "8",
        );
        assert.equal(row("with `--parallel 100`: engine calls the provider held at once").dynamic, "100");
        assert.equal(row("with `--parallel 100`: `up` of 200, wall time").plugin, "21.5 s");
        // The default's rows keep their verdicts; the raised ones have their own, against the same target.
        assert.deepEqual(row("pacing lag after the API's windows, `up` of 200").pass, {
            plugin: f.plugin.upLagS! <= 0.3,
            dynamic: f.dynamic.upLagS! <= 0.3,
        });
        const up = row("with `--parallel 100`: pacing lag after the API's windows, `up` of 200");
        assert.deepEqual(
            [up.plugin, up.dynamic, up.pass],
            ["0.2 s", "0.35 s", { plugin: true, dynamic: false }],
        );
        const destroy = rows.indexOf(
            row("with `--parallel 100`: pacing lag after the API's windows, `destroy`"),
        );
        assert.deepEqual(rows[destroy + 1].pass, { plugin: true, dynamic: true }, "the pacer's share of it");
        assert.equal(rows[destroy + 2].plugin, "0 + 0 + 0.08 + 0.02 s");
        // A missed target is no advice.
        assert.equal(raisedMet(f.dynamic), false);
        const text = lanesText(f) ?? "";
        assert.match(text, /held at most 8 \(plugin\) and 8 \(dynamic door\) of the engine's calls at once/);
        assert.match(text, /a freed lane waited a median 210.5 ms \(plugin\)/);
        assert.match(text, /the `up`'s lag was 0.2 s \(plugin\) and 0.35 s \(dynamic door\)/);
        assert.doesNotMatch(text, /So for a fleet/);
        assert.equal(/with so few lanes/.test(text), f.plugin.upLagS! > 0.3 || f.dynamic.upLagS! > 0.3);
        assert.match(
            lanesText(withLanes({ plugin: 0.2, dynamic: 0.3 })) ?? "",
            /So for a fleet of more than 100 tokens, run `up` and `destroy` with `--parallel 100`/,
        );
        // A run before the lanes were measured: no such rows, no such text.
        assert.equal(lanesText(doors()) === undefined, doors().plugin.raised === undefined);
    });

    it("the README's advice on --parallel is the benchmark's: its N, the engine's default, and what N changed", () => {
        const text = readme().replace(/\s+/g, " ");
        const [n] = RAISED_PARALLELS;
        assert.ok(
            text.includes(
                `give \`up\` and \`destroy\` \`--parallel ${n}\` (or set \`PULUMI_PARALLEL=${n}\`)`,
            ),
        );
        assert.ok(text.includes("at most `--parallel` resource operations at once, by default 4 per CPU"));
        const figures = doors();
        for (const door of [figures.plugin, figures.dynamic]) {
            // Until a run measured the lanes, the sentence stands on the engine's source (bench/README.md).
            if (!door.raised || door.upCallsAtOnce === undefined) continue;
            assert.equal(door.upCallsAtOnce, 4 * figures.measured.cpus, "4 per CPU, by default");
            assert.equal(door.raised.parallel, n);
            assert.ok(door.raised.upCallsAtOnce > door.upCallsAtOnce, "the engine took more lanes");
            assert.ok((door.raised.upLagShares?.engineS ?? 1) <= 0.05, "the engine's calls were waiting");
        }
    });
});

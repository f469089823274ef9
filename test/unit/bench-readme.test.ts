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
    largestShares,
    README_END,
    README_START,
    withDoorsTable,
    type DoorsFigures,
} from "../../bench/doors";
import { pacingFigures } from "../../bench/engine";
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
});

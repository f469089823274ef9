// The wings of provider/ (docs/testing.md, "Layout"): imports run from a higher wing to a lower one
// or within a wing, never up, and the modules import each other without cycles. Two wings are held
// closer: the policy (pure decisions) and the emulator, which stands apart from the provider (only
// provider/bin.ts imports it). Read from the sources, so a new file or import is judged as soon as
// it is written; docs/testing.md's table names every module.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { REPO } from "../../scripts/pulumi-project";

/** Lower first: a wing may import its own and the lower ones. */
const RANKS: Record<string, number> = {
    wire: 0,
    "provider/rules": 1,
    "provider/isc-client": 2,
    policy: 3,
    emulator: 3,
    "provider/create": 3,
    "provider/lifecycle": 4,
    "provider/rotator": 4,
    "provider/dynamic": 5,
    "provider/audit": 5,
    "provider/native": 5,
    provider: 6,
};
/** Kept at its old path because every stack's state names it: one of the doors. */
const PINNED: Record<string, string> = { "provider/serialized-provider.ts": "provider/dynamic" };
/** Wings that may import only the wings listed (their own included), whatever the ranks allow. */
const ONLY: Record<string, string[]> = {
    policy: ["policy", "provider/rules", "wire"],
    emulator: ["emulator", "wire"],
};
/** The one module that joins the emulator to the provider (`isc-pat emulator`). */
const EMULATOR_JOIN = "provider/bin.ts";
const SCANNED = ["wire", "provider", "policy", "emulator"];

function sources(dir: string): string[] {
    return readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join(dir, f));
}

function wingOf(file: string): string {
    if (PINNED[file]) return PINNED[file];
    const wing = Object.keys(RANKS).find((w) => dirname(file) === w);
    assert.ok(wing, `${file} is in no wing: put it in one (and in docs/testing.md's layout table)`);
    return wing;
}

/** The repository files a module imports (relative specifiers, type-only ones too). */
function importsOf(file: string): string[] {
    const text = readFileSync(join(REPO, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from|import|require\()\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)];
    return specifiers
        .map((m) => normalize(join(dirname(file), m[1])))
        .map((target) => (target.endsWith(".json") ? target : `${target}.ts`))
        .filter((target) => SCANNED.some((dir) => !relative(dir, target).startsWith("..")));
}

type Graph = Map<string, string[]>;

/** Imports from a module to one of a higher rank, or between different wings of equal rank. */
export function misplacedImports(graph: Graph, wing: (file: string) => string): string[] {
    return [...graph].flatMap(([file, targets]) =>
        targets
            .filter((t) => graph.has(t) && wing(t) !== wing(file) && RANKS[wing(t)] >= RANKS[wing(file)])
            .map((t) => `${file} (${wing(file)}) imports ${t} (${wing(t)})`),
    );
}

/** Imports from a wing of ONLY to a wing it does not list. */
export function closedWingImports(graph: Graph, wing: (file: string) => string): string[] {
    return [...graph].flatMap(([file, targets]) =>
        targets
            .filter((t) => graph.has(t) && ONLY[wing(file)] && !ONLY[wing(file)].includes(wing(t)))
            .map((t) => `${file} (${wing(file)}) imports ${t} (${wing(t)})`),
    );
}

/** Imports of the emulator's modules from outside it, other than EMULATOR_JOIN's. */
export function emulatorJoins(graph: Graph): string[] {
    const inEmulator = (f: string) => f.startsWith("emulator/");
    return [...graph].flatMap(([file, targets]) =>
        inEmulator(file) || file === EMULATOR_JOIN
            ? []
            : targets.filter(inEmulator).map((t) => `${file} imports ${t}: only ${EMULATOR_JOIN} may`),
    );
}

/**
 * The modules that docs/testing.md's layout table does not name: a module is named by a row that
 * names its folder ("native/", "emulator/", ...) and the file, as `name.ts` or a path ending in it.
 */
export function unnamedModules(files: string[], table: string): string[] {
    const rows = table.split("\n").filter((row) => row.startsWith("|"));
    return files.filter((file) => {
        const folder = `${dirname(file).split("/").pop()}/`;
        const name = file.split("/").pop();
        return !rows.some(
            (r) => r.includes(folder) && (r.includes(`\`${name}\``) || r.includes(`/${name}\``)),
        );
    });
}

/** The first import cycle found, as a path that returns to its start; undefined when none. */
export function findCycle(graph: Graph): string[] | undefined {
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (file: string): string[] | undefined => {
        const at = path.indexOf(file);
        if (at >= 0) return [...path.slice(at), file];
        if (done.has(file)) return undefined;
        path.push(file);
        for (const target of graph.get(file) ?? []) {
            const cycle = visit(target);
            if (cycle) return cycle;
        }
        path.pop();
        done.add(file);
        return undefined;
    };
    for (const file of graph.keys()) {
        const cycle = visit(file);
        if (cycle) return cycle;
    }
    return undefined;
}

const FILES = SCANNED.flatMap(sources);
const GRAPH: Graph = new Map(FILES.map((f) => [f, importsOf(f)]));

describe("layout: the wings of provider/", () => {
    it("finds the modules, and every module is in a wing", () => {
        assert.ok(FILES.length > 30, `${FILES.length} modules found`);
        for (const file of FILES) wingOf(file);
        assert.ok(GRAPH.get("provider/dynamic/resource.ts")?.includes("provider/serialized-provider.ts"));
    });

    it("no import runs from a lower wing up to a higher one, or across wings of one rank", () => {
        assert.deepEqual(misplacedImports(GRAPH, wingOf), []);
    });

    it("there is no cycle between modules, so none between wings", () => {
        assert.deepEqual(findCycle(GRAPH), undefined);
    });

    it("the policy imports only the rules and wire/; the emulator only wire/, and only bin.ts imports it", () => {
        assert.ok(GRAPH.get(EMULATOR_JOIN)?.includes("emulator/cli.ts"));
        assert.ok(FILES.filter((f) => f.startsWith("emulator/")).length > 10);
        assert.deepEqual(closedWingImports(GRAPH, wingOf), []);
        assert.deepEqual(emulatorJoins(GRAPH), []);
    });

    it("docs/testing.md's layout table names every module", () => {
        const docs = readFileSync(join(REPO, "docs/testing.md"), "utf8");
        const layout = docs.slice(docs.indexOf("\n## Layout"));
        const end = layout.indexOf("\n## ", 1);
        assert.deepEqual(unnamedModules(FILES, end === -1 ? layout : layout.slice(0, end)), []);
    });

    it("the judges see an upward import, a sideways one and a cycle", () => {
        const wing = (f: string) => dirname(f);
        const made: Graph = new Map([
            ["provider/rules/a.ts", ["provider/isc-client/b.ts"]],
            ["provider/isc-client/b.ts", ["provider/rules/c.ts"]],
            ["provider/rules/c.ts", ["provider/rules/a.ts"]],
            ["provider/create/d.ts", ["policy/e.ts", "provider/rules/c.ts"]],
            ["policy/e.ts", []],
        ]);
        assert.deepEqual(misplacedImports(made, wing), [
            "provider/rules/a.ts (provider/rules) imports provider/isc-client/b.ts (provider/isc-client)",
            "provider/create/d.ts (provider/create) imports policy/e.ts (policy)",
        ]);
        assert.deepEqual(findCycle(made), [
            "provider/rules/a.ts",
            "provider/isc-client/b.ts",
            "provider/rules/c.ts",
            "provider/rules/a.ts",
        ]);
        made.set("provider/rules/c.ts", []);
        assert.equal(findCycle(made), undefined);
    });

    it("the judges see the policy using the client, the emulator the provider, the provider the emulator", () => {
        const made: Graph = new Map([
            ["policy/e.ts", ["provider/isc-client/b.ts", "provider/rules/c.ts", "emulator/f.ts"]],
            ["emulator/f.ts", ["provider/rules/c.ts", "wire/g.ts", "emulator/h.ts"]],
            ["provider/isc-client/b.ts", []],
            ["provider/rules/c.ts", []],
            ["wire/g.ts", []],
            ["emulator/h.ts", []],
            [EMULATOR_JOIN, ["emulator/f.ts"]],
        ]);
        assert.deepEqual(closedWingImports(made, wingOf), [
            "policy/e.ts (policy) imports provider/isc-client/b.ts (provider/isc-client)",
            "policy/e.ts (policy) imports emulator/f.ts (emulator)",
            "emulator/f.ts (emulator) imports provider/rules/c.ts (provider/rules)",
        ]);
        assert.deepEqual(emulatorJoins(made), [
            "policy/e.ts imports emulator/f.ts: only provider/bin.ts may",
        ]);
        const table = [
            "| `provider/native/` | the gRPC server (`server.ts`) |",
            "| `emulator/` | the ISC emulator: `cli.ts` |",
            "| `provider/audit/` | `pat.ts` |",
        ].join("\n");
        const files = ["provider/native/server.ts", "emulator/pat.ts", "emulator/cli.ts"];
        assert.deepEqual(unnamedModules(files, table), ["emulator/pat.ts"]);
    });
});

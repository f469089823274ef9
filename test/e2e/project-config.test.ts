// The end-to-end tests' config helpers under the real CLI: `Project.setConfig` sets a structured value
// in one `pulumi config set-all --json` and the path's old value is gone (an object's removed keys, a
// list's dropped items), and `Project.init` sets the plain keys in one run. The CLI's own view is
// read back with `pulumi config --json`. No program runs: a Pulumi.yaml alone is the project.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Project } from "../support/pulumi";

describe("end to end: the tests' stack config through the real CLI", function () {
    this.timeout(120_000);
    let dir: string;
    let project: Project;
    let runs: string[][] = [];
    const recorded = Project.invoked;

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "pat-config-"));
        writeFileSync(join(dir, "Pulumi.yaml"), "name: config-check\nruntime: nodejs\n");
        project = new Project(dir);
        Project.invoked = (args) => {
            runs.push(args);
            recorded(args);
        };
        await project.init({ count: "20", "plain.dotted": "kept literal" });
    });
    after(() => {
        Project.invoked = recorded;
        project?.cleanup();
        rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => (runs = []));

    /** The stack's config as the CLI reports it: each key's object (typed) or its string. */
    async function config(): Promise<Record<string, unknown>> {
        const shown = JSON.parse((await project.run(["config", "--json"])).stdout) as Record<
            string,
            { value?: string; objectValue?: unknown }
        >;
        return Object.fromEntries(
            Object.entries(shown).map(([key, v]) => [
                key.replace(/^config-check:/, ""),
                v.objectValue ?? v.value,
            ]),
        );
    }

    /** Runs `set` and checks that it made exactly one CLI run. */
    async function oneRun(set: () => Promise<void>): Promise<void> {
        const before = runs.length;
        await set();
        assert.equal(runs.length - before, 1, `one CLI run, not: ${JSON.stringify(runs.slice(before))}`);
    }

    it("init sets the plain keys in one run besides stack init, each as `config set` would: strings, no paths", async () => {
        const made = new Project(dir);
        try {
            runs = [];
            await made.init({ a: "1", "b.c": "two" });
            assert.deepEqual(
                runs.map((args) => args.slice(0, 2)),
                [
                    ["stack", "init"],
                    ["config", "set-all"],
                ],
            );
            const shown = JSON.parse((await made.run(["config", "--json"])).stdout);
            assert.deepEqual(shown["config-check:a"], { value: "1", secret: false });
            assert.deepEqual(shown["config-check:b.c"], { value: "two", secret: false });
        } finally {
            made.cleanup();
        }
        const own = await config();
        assert.equal(own.count, "20");
        assert.equal(own["plain.dotted"], "kept literal");
    });

    it("an object replaces the old one: its removed keys and list items are gone, in one run", async () => {
        await oneRun(() =>
            project.setConfig("token", {
                name: "first",
                scope: ["a", "b", "c"],
                old: 1,
                nested: { deep: true, other: "x" },
            }),
        );
        assert.deepEqual((await config()).token, {
            name: "first",
            scope: ["a", "b", "c"],
            old: 1,
            nested: { deep: true, other: "x" },
        });
        await oneRun(() =>
            project.setConfig("token", { name: "second", scope: ["z"], nested: { other: "y" } }),
        );
        assert.deepEqual((await config()).token, { name: "second", scope: ["z"], nested: { other: "y" } });
    });

    it("a dotted key sets inside the object, replacing only what that path held; types kept", async () => {
        await oneRun(() =>
            project.setConfig("token", { name: "t", scope: ["a", "b"], nested: { x: 1, y: 2 } }),
        );
        await oneRun(() => project.setConfig("token.nested", { z: 3 }));
        await oneRun(() => project.setConfig("token.scope", ["q"]));
        await oneRun(() => project.setConfig("token.replaceIfSecretUnknown", true));
        await oneRun(() => project.setConfig("token.accessTokenValiditySeconds", 3600));
        await oneRun(() => project.setConfig("token.label", "123"));
        assert.deepEqual((await config()).token, {
            name: "t",
            scope: ["q"],
            nested: { z: 3 },
            replaceIfSecretUnknown: true,
            accessTokenValiditySeconds: 3600,
            label: "123",
        });
        // A path under a key not set yet makes the object.
        await oneRun(() => project.setConfig("tokens.a.scope", ["s"]));
        assert.deepEqual((await config()).tokens, { a: { scope: ["s"] } });
    });

    it("null, undefined and empty members set nothing: a value left empty removes the key, in one run", async () => {
        await oneRun(() => project.setConfig("token", { name: "n", gone: null, empty: {}, none: undefined }));
        assert.deepEqual((await config()).token, { name: "n" });
        await oneRun(() => project.setConfig("token.name", null));
        // `config rm --path` keeps the object it empties (as the two-run helper did).
        assert.deepEqual((await config()).token, {});
        await oneRun(() => project.setConfig("token", { name: "again" }));
        await oneRun(() => project.setConfig("token", { only: null }));
        assert.equal((await config()).token, undefined);
        // Removing what is not there is no error.
        await oneRun(() => project.setConfig("missing.path", undefined));
        await assert.rejects(
            project.setConfig("token", { scope: ["a", null, "b"] }),
            /a config list cannot hold null or an empty item/,
        );
    });

    it("a top-level scalar is stored as a string, as `pulumi config set` stores it, and removed by undefined", async () => {
        await oneRun(() => project.setConfig("count", 2));
        await oneRun(() => project.setConfig("adopted", true));
        const shown = await config();
        assert.equal(shown.count, "2");
        assert.equal(shown.adopted, "true");
        await oneRun(() => project.setConfig("adopted", undefined));
        assert.equal((await config()).adopted, undefined);
    });
});

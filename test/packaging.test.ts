// The packed package as a user installs it: nothing runs at install (npm lists such scripts as "not
// yet covered by allowScripts"), and what runs instead builds it when it is packed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { builtinModules } from "node:module";
import { packedPackage } from "../scripts/pulumi-project";
import "./support/pulumi"; // its root hook removes the packed tarball when the run ends

/** A file of the packed tarball, as text. */
function packed(path: string): string {
    return execFileSync("tar", ["-xzOf", packedPackage(), `package/${path}`], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
}

describe("the packed package", function () {
    this.timeout(120_000);

    it("runs no script at install, and builds on pack", () => {
        const manifest = JSON.parse(packed("package.json")) as { scripts?: Record<string, string> };
        const scripts = manifest.scripts ?? {};
        for (const hook of ["preinstall", "install", "postinstall", "prepare"])
            assert.equal(
                scripts[hook],
                undefined,
                `the packed package.json has an install-time ${hook} script`,
            );
        assert.match(scripts.prepack ?? "", /\btsc -p tsconfig\.json\b/, "npm pack builds dist/ first");
    });

    it("holds the built code its entry points name", () => {
        const manifest = JSON.parse(packed("package.json")) as { main: string; bin: Record<string, string> };
        for (const file of [manifest.main, ...Object.values(manifest.bin), "dist/policy/pack.js"])
            assert.ok(packed(file).length > 0, file);
    });

    it("ships the native plugin: plugin/ holds the launcher pulumi-resource-iscpat and the one-file bundle it runs", () => {
        const listing = execFileSync("tar", ["-tvzf", packedPackage()], { encoding: "utf8" }).split("\n");
        const plugin = listing.filter((line) => / package\/plugin\//.test(line));
        assert.equal(plugin.length, 2, plugin.join("\n"));
        const launcher = plugin.find((line) => line.endsWith("package/plugin/pulumi-resource-iscpat"));
        assert.match(launcher ?? "", /^-rwx/, "the launcher is executable");
        const script = packed("plugin/pulumi-resource-iscpat");
        assert.match(script, /^#!\/bin\/sh\n/);
        assert.match(script, /exec node [^\n]*"\$\(dirname "\$self"\)\/pulumi-resource-iscpat\.js" "\$@"/);
        // The bundle needs nothing from node_modules: every require left in it is one of Node's own
        // modules (ajv's code generator holds some in strings, for its standalone code; never run).
        const bundle = packed("plugin/pulumi-resource-iscpat.js");
        const required = new Set([...bundle.matchAll(/(?<![`'"])\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
        const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
        assert.deepEqual(
            [...required].filter((name) => !builtins.has(name)),
            [],
            "the bundle requires only Node's own modules",
        );
        assert.ok(required.size > 0, "the bundle was searched for requires");
    });
});

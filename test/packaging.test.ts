// The packed package as a user installs it: nothing runs at install (npm lists such scripts as "not
// yet covered by allowScripts"), and what runs instead builds it when it is packed.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { packedPackage } from "../scripts/pulumi-project";
import "./support/pulumi"; // its root hook removes the packed tarball when the run ends

/** A file of the packed tarball, as text. */
function packed(path: string): string {
    return execFileSync("tar", ["-xzOf", packedPackage(), `package/${path}`], { encoding: "utf8" });
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

    it("ships the native plugin: plugin/ holds only the executable pulumi-resource-iscpat, which loads a packed module", () => {
        const listing = execFileSync("tar", ["-tvzf", packedPackage()], { encoding: "utf8" }).split("\n");
        const plugin = listing.filter((line) => / package\/plugin\//.test(line));
        assert.equal(plugin.length, 1, plugin.join("\n"));
        assert.match(plugin[0], /^-rwx/, "executable");
        assert.match(plugin[0], /package\/plugin\/pulumi-resource-iscpat$/);
        const script = packed("plugin/pulumi-resource-iscpat");
        assert.match(script, /^#!\/usr\/bin\/env node\n/);
        const target = /require\("\.\.\/(dist\/[^"]+)"\)/.exec(script)?.[1];
        assert.ok(target && packed(`${target}.js`).length > 0, `the plugin's module ${target} is packed`);
    });
});

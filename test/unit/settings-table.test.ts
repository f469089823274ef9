// The settings table is the one place a setting is written (issue 27, item 1): the README's table is
// rendered from it, and no source spells a door's key (<namespace>:<setting>) or rewrites one door's
// words into another's: each door renders its keys with configKey().
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../scripts/pulumi-project";
import { configKey, SETTINGS, settingsTable } from "../../provider/isc-client/settings";
import { NATIVE_PACKAGE } from "../../provider/rules/types";

/** The one module allowed to spell a key: the table itself. */
const TABLE = join("provider", "isc-client", "settings.ts");
const SCANNED = [
    "provider",
    "policy",
    "wire",
    "emulator",
    "scripts",
    "bench",
    "test",
    "tools/pulumi-gen-iscpat",
];

function sources(dir: string): string[] {
    return readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => /\.(ts|js|go)$/.test(f) && !f.includes("node_modules"))
        .map((f) => join(dir, f));
}

/** `<namespace>:<setting>` for both doors' namespaces and every setting, built so this file has none. */
export function keyLiterals(text: string): string[] {
    const namespaces = ["sail" + "point", NATIVE_PACKAGE];
    const names = SETTINGS.map((s) => s.name).join("|");
    return text.match(new RegExp(`\\b(?:${namespaces.join("|")}):(?:${names})\\b`, "g")) ?? [];
}

describe("the settings table", () => {
    it("renders the README's configuration table", () => {
        const readme = readFileSync(join(REPO, "README.md"), "utf8");
        const match = /<!-- settings:[^\n]*-->\n([\s\S]*?)\n<!-- end settings -->/.exec(readme);
        assert.ok(match, "README.md has no settings table between its markers");
        assert.equal(match[1], settingsTable());
    });

    it("gives each door its own spelling of every key", () => {
        for (const s of SETTINGS) {
            assert.equal(configKey("native", s.name), `${NATIVE_PACKAGE}:${s.name}`);
            assert.notEqual(configKey("dynamic", s.name), configKey("native", s.name));
        }
    });

    it("is the only source that spells a door's key, and nothing rewrites one door's words", () => {
        const offenders: string[] = [];
        for (const file of SCANNED.flatMap(sources)) {
            if (file === TABLE) continue;
            const text = readFileSync(join(REPO, file), "utf8");
            for (const literal of keyLiterals(text)) offenders.push(`${file}: ${literal}`);
            if (text.includes("native" + "Wording")) offenders.push(`${file}: native${"Wording"}`);
        }
        assert.deepEqual(offenders, []);
    });

    it("the guard sees a key literal", () => {
        assert.deepEqual(
            keyLiterals(`x "${configKey("dynamic", "clientSecret")}" y iscpat:index:PersonalAccessToken`),
            [configKey("dynamic", "clientSecret")],
        );
    });
});

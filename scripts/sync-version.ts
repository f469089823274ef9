// The policy pack reports policy/package.json's version, the README's sample output shows it and the
// plugin's install command names it; all follow the root package.json, and CHANGELOG.md dates it.
// `npm version` runs this (the root's "version" script), and test/unit/policy-pack.test.ts fails when
// they differ.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { systemNow } from "../provider/rules/clock";
import { join, resolve } from "node:path";

/** The README's sample line naming the pack and its version. */
export const README_PACK_VERSION = /(sailpoint-pat-hygiene@v)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/g;

/** The plugin's install command (README.md, examples/yaml/README.md): its version and its tarball's. */
export const PLUGIN_INSTALL_VERSION =
    /(pulumi plugin install resource iscpat )(\S+)( --file pulumi-resource-iscpat-v)(\S+?)(-[a-z]+-[a-z0-9]+\.tar\.gz)/g;
/** The tarball's name in the README's prose: pulumi-resource-iscpat-v<version>-<os>-<arch>.tar.gz. */
export const README_TARBALL_VERSION = /(pulumi-resource-iscpat-v)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)(-<os>)/g;

function synced(text: string, version: string): string {
    return text
        .replace(README_PACK_VERSION, (_, prefix: string) => `${prefix}${version}`)
        .replace(
            PLUGIN_INSTALL_VERSION,
            (_, head: string, _v: string, file: string, _f: string, tail: string) =>
                `${head}${version}${file}${version}${tail}`,
        )
        .replace(
            README_TARBALL_VERSION,
            (_, head: string, _v: string, tail: string) => `${head}${version}${tail}`,
        );
}

/**
 * The changelog at a release: the entries under "## Unreleased" move under the version's heading, dated
 * `now`, and a new empty "## Unreleased" stays above. Unchanged once the version has its heading.
 */
export function releasedChangelog(text: string, version: string, now: Date): string {
    if (text.includes(`\n## ${version} - `) || !text.includes("\n## Unreleased\n")) return text;
    return text.replace(
        "\n## Unreleased\n",
        `\n## Unreleased\n\n## ${version} - ${now.toISOString().slice(0, 10)}\n`,
    );
}

/**
 * Copies the root package.json's version into policy/package.json, the READMEs and CHANGELOG.md (the
 * files of them that `repo` has); returns what changed.
 */
export function syncVersion(repo: string, now: Date = systemNow()): string[] {
    const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
    const changed: string[] = [];
    const packFile = join(repo, "policy", "package.json");
    const pack = JSON.parse(readFileSync(packFile, "utf8")) as Record<string, unknown>;
    if (pack.version !== version) {
        writeFileSync(packFile, `${JSON.stringify({ ...pack, version }, null, 4)}\n`);
        changed.push("policy/package.json");
    }
    const files: [string, (text: string) => string][] = [
        ["README.md", (text) => synced(text, version)],
        [join("examples", "yaml", "README.md"), (text) => synced(text, version)],
        ["CHANGELOG.md", (text) => releasedChangelog(text, version, now)],
    ];
    for (const [file, update] of files) {
        if (!existsSync(join(repo, file))) continue;
        const text = readFileSync(join(repo, file), "utf8");
        const updated = update(text);
        if (updated !== text) {
            writeFileSync(join(repo, file), updated);
            changed.push(file);
        }
    }
    return changed;
}

if (require.main === module) {
    const changed = syncVersion(resolve(__dirname, "..", ".."));
    console.log(changed.length > 0 ? `synced the version into ${changed.join(", ")}` : "versions agree");
}

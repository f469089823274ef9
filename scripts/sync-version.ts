// The policy pack reports policy/package.json's version, and the README's sample output shows it:
// both follow the root package.json. `npm version` runs this (the root's "version" script), and
// test/unit/policy-pack.test.ts fails when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The README's sample line naming the pack and its version. */
export const README_PACK_VERSION = /(sailpoint-pat-hygiene@v)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/g;

/** Copies the root package.json's version into policy/package.json and the README; returns what changed. */
export function syncVersion(repo: string): string[] {
    const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
    const changed: string[] = [];
    const packFile = join(repo, "policy", "package.json");
    const pack = JSON.parse(readFileSync(packFile, "utf8")) as Record<string, unknown>;
    if (pack.version !== version) {
        writeFileSync(packFile, `${JSON.stringify({ ...pack, version }, null, 4)}\n`);
        changed.push("policy/package.json");
    }
    const readmeFile = join(repo, "README.md");
    const readme = readFileSync(readmeFile, "utf8");
    const synced = readme.replace(README_PACK_VERSION, (_, prefix: string) => `${prefix}${version}`);
    if (synced !== readme) {
        writeFileSync(readmeFile, synced);
        changed.push("README.md");
    }
    return changed;
}

if (require.main === module) {
    const changed = syncVersion(resolve(__dirname, "..", ".."));
    console.log(changed.length > 0 ? `synced the version into ${changed.join(", ")}` : "versions agree");
}

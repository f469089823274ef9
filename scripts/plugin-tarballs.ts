// `npm run plugin-tarballs`: the plugin as Pulumi installs plugins, one
// pulumi-resource-iscpat-v<version>-<os>-<arch>.tar.gz per platform whose content is the same (the
// launcher is a POSIX shell script, the bundle plain JavaScript), holding at its root the launcher,
// the bundle and the LICENSE. `pulumi plugin install resource iscpat <version> --file <tarball>`
// installs one. `npm run plugin-tarballs` builds (tsc and the bundle) then writes them to dist/plugins/; the archive is reproducible (fixed times and owners).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { BUNDLE, packageVersion, PLUGIN_DIR, PLUGIN_NAME, REPO } from "./bundle-plugin";

/** The platforms a shell launcher and Node.js serve; Windows would need a .cmd launcher (not built). */
export const PLATFORMS = ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64"] as const;
export const TARBALL_DIR = join(REPO, "dist", "plugins");

export function tarballName(version: string, platform: string): string {
    return `${PLUGIN_NAME}-v${version}-${platform}.tar.gz`;
}

export interface TarEntry {
    name: string;
    mode: number;
    content: Buffer;
}

/** One ustar header field: octal, zero-padded, NUL-terminated. */
function octal(value: number, width: number): string {
    return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** A POSIX ustar archive of regular files (names under 100 bytes), owned by root, dated 0. */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
    const blocks: Buffer[] = [];
    for (const entry of entries) {
        if (Buffer.byteLength(entry.name) >= 100) throw new Error(`tar: name too long: ${entry.name}`);
        const header = Buffer.alloc(512);
        header.write(entry.name, 0, "utf8");
        header.write(octal(entry.mode, 8), 100, "ascii");
        header.write(octal(0, 8), 108, "ascii"); // uid
        header.write(octal(0, 8), 116, "ascii"); // gid
        header.write(octal(entry.content.length, 12), 124, "ascii");
        header.write(octal(0, 12), 136, "ascii"); // mtime
        header.write("        ", 148, "ascii"); // the checksum counts itself as spaces
        header.write("0", 156, "ascii"); // a regular file
        header.write("ustar\u000000", 257, "ascii");
        header.write("root", 265, "ascii");
        header.write("root", 297, "ascii");
        const sum = header.reduce((total, byte) => total + byte, 0);
        header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
        blocks.push(header, entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
    }
    blocks.push(Buffer.alloc(1024)); // two empty blocks end the archive
    return Buffer.concat(blocks);
}

/**
 * One tarball per platform of the bundle already built (`npm run build`), into `dir`; returns their
 * paths. The content is the same for every platform: one archive, written under each name.
 */
export function writeTarballs(dir: string = TARBALL_DIR): string[] {
    const version = packageVersion();
    const archive = gzipSync(
        tarArchive([
            { name: PLUGIN_NAME, mode: 0o755, content: readFileSync(join(PLUGIN_DIR, PLUGIN_NAME)) },
            { name: `${PLUGIN_NAME}.js`, mode: 0o644, content: readFileSync(BUNDLE) },
            { name: "LICENSE", mode: 0o644, content: readFileSync(join(REPO, "LICENSE")) },
        ]),
        { level: 9 },
    );
    mkdirSync(dir, { recursive: true });
    return PLATFORMS.map((platform) => {
        const file = join(dir, tarballName(version, platform));
        writeFileSync(file, archive);
        return file;
    });
}

if (require.main === module) {
    console.log(writeTarballs().join("\n"));
}

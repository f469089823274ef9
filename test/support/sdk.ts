// The generated SDKs (sdk/) as a user gets them: the Node.js SDK built and packed as a release would
// (its ${VERSION} placeholder filled with this package's version, the plugin's), and a project that
// installs it beside this package, whose plugin/ folder the project's Pulumi.yaml names. Without that
// entry the engine looks for pulumi-resource-iscpat in its plugin cache and on PATH only, and fails.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acceptedTypeScript, lockedPulumiVersion, packedPackage, REPO } from "../../scripts/pulumi-project";

export const SDK = join(REPO, "sdk");

/** This package's version: the plugin reports it, and a release stamps the SDK with it. */
export function packageVersion(): string {
    return (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
}

const made: string[] = [];
/** A temporary directory, removed by removeSdkBuilds(). */
export function tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
}

export function removeSdkBuilds(): void {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    nodeSdk = undefined;
}

let nodeSdk: string | undefined;
/**
 * sdk/nodejs compiled with its own tsconfig (against the locked @pulumi/pulumi) and packed from bin/
 * with its package.json, as Pulumi providers publish theirs; the tarball's path, once per run.
 */
export function packedNodeSdk(): string {
    if (nodeSdk) return nodeSdk;
    const dir = tempDir("pat-sdk-nodejs-");
    cpSync(join(SDK, "nodejs"), dir, { recursive: true });
    const manifestFile = join(dir, "package.json");
    const manifest = readFileSync(manifestFile, "utf8");
    if (!manifest.includes('"version": "${VERSION}"'))
        throw new Error("sdk/nodejs/package.json has no ${VERSION}");
    writeFileSync(
        manifestFile,
        manifest.replace('"version": "${VERSION}"', `"version": "${packageVersion()}"`),
    );
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
    execFileSync(join(REPO, "node_modules", ".bin", "tsc"), ["-p", dir], {
        stdio: ["ignore", "pipe", "pipe"],
    });
    cpSync(manifestFile, join(dir, "bin", "package.json"));
    cpSync(join(dir, "README.md"), join(dir, "bin", "README.md"));
    const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
        cwd: join(dir, "bin"),
        encoding: "utf8",
    })
        .trim()
        .split("\n")
        .pop() as string;
    nodeSdk = join(dir, name);
    return nodeSdk;
}

/**
 * A copy of test/sdk/program installed from the packed SDK and this package's tarball; its
 * Pulumi.yaml names the installed package's plugin/ folder (a path relative to the project).
 */
export function installedSdkProgram(): string {
    const dir = tempDir("pat-sdk-program-");
    cpSync(join(REPO, "test", "sdk", "program"), dir, { recursive: true });
    const manifestFile = join(dir, "package.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    manifest.dependencies = {
        "@isc-pat/iscpat": `file:${packedNodeSdk()}`,
        "@isc-pat/pulumi-sailpoint-pat": `file:${packedPackage()}`,
        "@pulumi/pulumi": lockedPulumiVersion(),
    };
    manifest.devDependencies.typescript = acceptedTypeScript();
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
        cwd: dir,
        stdio: ["ignore", "ignore", "inherit"],
    });
    return dir;
}

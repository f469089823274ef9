// The plugin as shipped, without the engine: how long the launcher takes from spawn to the port on
// stdout (what the engine waits for at each `pulumi` command, once per provider instance), its idle
// RSS, and the sizes of its bundle and of one tarball (each platform's is the same archive); the same
// start-up of the dynamic door's provider, and the npm package's tarball.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BUNDLE, PLUGIN_DIR, PLUGIN_NAME } from "../scripts/bundle-plugin";
import { writeTarballs } from "../scripts/plugin-tarballs";
import { packedPackage } from "../scripts/pulumi-project";
import { median, round } from "./report";

export interface PluginResult {
    starts: number;
    /** The dynamic door's provider (@pulumi/pulumi's dynamic-provider under node), started the same way. */
    dynamicStartupMs: number;
    dynamicStartupMsRuns: number[];
    /** The npm package's tarball (npm pack): what the dynamic door installs. */
    npmTarballBytes: number;
    /** Median, spawn to the port's line. */
    startupMs: number;
    startupMsRuns: number[];
    /** VmRSS one second after the port, doing nothing. */
    idleRssMb: number;
    bundleBytes: number;
    tarballBytes: number;
}

/**
 * One start of a provider (the plugin's launcher, or node and the dynamic provider): ms to the port,
 * then the idle RSS a second later (Linux /proc).
 */
async function startOnce(
    command: string,
    args: string[] = [],
    cwd?: string,
): Promise<{ ms: number; rssMb: number }> {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args, "127.0.0.1:1"], {
        cwd,
        stdio: ["ignore", "pipe", "inherit"],
    });
    try {
        const [port] = await new Promise<string[]>((resolve, reject) => {
            createInterface({ input: child.stdout }).once("line", (line) => resolve([line]));
            child.once("exit", (code) =>
                reject(new Error(`the plugin exited (${code}) before printing its port`)),
            );
        });
        if (!/^\d+$/.test(port)) throw new Error(`the plugin printed ${port}, not a port`);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        // The launcher execs node: the child's pid is the plugin's.
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]);
        return { ms, rssMb: kb / 1024 };
    } finally {
        child.kill();
    }
}

/** `dynamicProgramDir`: an installed TypeScript program (its node_modules hold @pulumi/pulumi). */
export async function pluginFigures(dynamicProgramDir: string, starts = 5): Promise<PluginResult> {
    const runs: { ms: number; rssMb: number }[] = [];
    const dynamic: { ms: number; rssMb: number }[] = [];
    const dynamicProvider = join("node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
    for (let i = 0; i < starts; i++) {
        runs.push(await startOnce(join(PLUGIN_DIR, PLUGIN_NAME)));
        dynamic.push(await startOnce(process.execPath, [dynamicProvider], dynamicProgramDir));
    }
    const dir = mkdtempSync(join(tmpdir(), "pat-bench-tarballs-"));
    try {
        const [tarball] = writeTarballs(dir);
        return {
            starts,
            startupMs: round(median(runs.map((r) => r.ms)), 0),
            startupMsRuns: runs.map((r) => round(r.ms, 0)),
            idleRssMb: round(median(runs.map((r) => r.rssMb)), 1),
            dynamicStartupMs: round(median(dynamic.map((r) => r.ms)), 0),
            dynamicStartupMsRuns: dynamic.map((r) => round(r.ms, 0)),
            npmTarballBytes: statSync(packedPackage()).size,
            bundleBytes: statSync(BUNDLE).size,
            tarballBytes: statSync(tarball).size,
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

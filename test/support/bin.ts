// The package's bin (`isc-pat`) as `npx isc-pat` runs it in a user's project: from node_modules/.bin,
// with the Pulumi CLI on PATH (for --stack); everything it prints goes through the secret check.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { pulumiCli } from "../../scripts/pulumi-project";
import { observe } from "./hygiene";
import type { Project } from "./pulumi";

export interface BinResult {
    status: number;
    stdout: string;
    stderr: string;
}

export async function runIscPat(
    project: Project,
    args: string[],
    env: Record<string, string> = {},
): Promise<BinResult> {
    const child = spawn(join(project.dir, "node_modules", ".bin", "isc-pat"), args, {
        cwd: project.dir,
        env: { ...project.env, ...env, PATH: `${dirname(pulumiCli())}:${project.env.PATH}` },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    observe(`isc-pat ${args.join(" ")}`, stdout + stderr);
    return { status, stdout, stderr };
}

/** The first `count` lines a stream prints (the emulator's base URL is its first). */
export async function firstLines(stream: Readable, count: number): Promise<string[]> {
    const lines: string[] = [];
    for await (const line of createInterface({ input: stream })) {
        lines.push(line);
        if (lines.length === count) break;
    }
    return lines;
}

/** Runs a command to its end, its output (stdout and stderr, interleaved) through the secret check. */
export async function runRecorded(
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
    const child = spawn(command, args, options);
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    observe(`${command} ${args.join(" ")}`, output);
    return { code, output };
}

// Waiting on an event the tests can only observe (a request in the emulator's log, tokens at the
// API), never on a guessed time; and never past the moment it can no longer happen.
import type { ChildProcess } from "node:child_process";
import { observe } from "./hygiene";

/**
 * Resolves once `condition()` holds (checked at once, then every `everyMs`). Rejects, saying why,
 * when `unless` settles first: it resolves with the reason the condition can no longer come true
 * (e.g. the process that was to bring it about exited).
 */
export async function until(
    condition: () => boolean,
    what: string,
    options: { unless?: Promise<string>; everyMs?: number } = {},
): Promise<void> {
    let stopped: string | undefined;
    void options.unless?.then(
        (reason) => (stopped ??= reason),
        (error: unknown) => (stopped ??= String(error)),
    );
    for (;;) {
        if (condition()) return;
        if (stopped !== undefined) throw new Error(`gave up waiting for ${what}: ${stopped}`);
        await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 10));
    }
}

/**
 * Resolves when `child` (spawned with piped stdout and stderr) has exited, with why and how its
 * output ended; it fails if the output holds a secret (the secret check).
 */
export function exitOf(child: ChildProcess, source: string): Promise<string> {
    let output = "";
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (c: Buffer) => (output += c));
    return new Promise((resolve, reject) =>
        child.on("close", (code, signal) => {
            try {
                observe(source, output);
            } catch (error) {
                reject(error as Error);
                return;
            }
            const tail = output.trimEnd().split("\n").slice(-12).join("\n");
            resolve(`${source} exited (${signal ?? code}); its output ended:\n${tail}`);
        }),
    );
}

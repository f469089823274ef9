// Waiting on an event the tests can only observe (a request in the emulator's log, tokens at the
// API), never on a guessed time; and never past the moment it can no longer happen.

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

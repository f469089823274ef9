// The one place in provider/ that reads the wall clock. Every decision (validation, planning,
// rotation, create bodies) takes `now` as an argument; the provider passes this clock's reading,
// or ProviderOptions.now in tests and embeddings (a simulated clock shared with the emulator).
// Elapsed-time measurements (retry back-off, pacing windows, bearer-token lifetime) are not decisions
// about dates and use timers of their own.

/** The current wall-clock time. */
export function systemNow(): Date {
    return new Date();
}

// The suite's time travel: shiftedEnv gives an environment whose Node processes (and theirs) preload
// clock-shift-preload.ts through NODE_OPTIONS, which moves their wall clock by ISC_PAT_CLOCK_SHIFT_MS; no
// system package is needed. Importing this module moves nothing. Only the wall clock moves (Date.now,
// new Date(), Date(), performance.timeOrigin): timers and elapsed times stay on the real monotonic clock,
// and the kernel's file times stay real, which is what the provider's file-age checks are written for
// (provider/isc-client/ledger.ts).
import { join } from "node:path";

export const CLOCK_SHIFT_VARIABLE = "ISC_PAT_CLOCK_SHIFT_MS";

/** A copy of `env` whose Node processes (and theirs) run `shiftMs` ahead. */
export function shiftedEnv(shiftMs: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    // Quoted: NODE_OPTIONS splits on spaces, and a checkout's path may hold one.
    const preload = `--require ${JSON.stringify(join(__dirname, "clock-shift-preload.js"))}`;
    return {
        ...env,
        [CLOCK_SHIFT_VARIABLE]: String(shiftMs),
        NODE_OPTIONS: [env.NODE_OPTIONS, preload].filter(Boolean).join(" "),
    };
}

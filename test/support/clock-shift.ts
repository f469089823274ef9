// Moves the wall clock of a Node process by ISC_PAT_CLOCK_SHIFT_MS, for the suite's time travel. It is
// preloaded into every Node process a run starts through NODE_OPTIONS (shiftedEnv below), so it needs no
// system package. Only the process's wall clock moves (Date.now, new Date(), Date(),
// performance.timeOrigin): timers and elapsed times stay on the real monotonic clock, and the kernel's
// file times stay real, which is what the provider's file-age checks are written for (provider/ledger.ts).
import { performance } from "node:perf_hooks";

export const CLOCK_SHIFT_VARIABLE = "ISC_PAT_CLOCK_SHIFT_MS";
const INSTALLED = Symbol.for("isc-pat.clock-shift");

/** A copy of `env` whose Node processes (and theirs) run `shiftMs` ahead. */
export function shiftedEnv(shiftMs: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    // Quoted: NODE_OPTIONS splits on spaces, and a checkout's path may hold one.
    const preload = `--require ${JSON.stringify(__filename)}`;
    return {
        ...env,
        [CLOCK_SHIFT_VARIABLE]: String(shiftMs),
        NODE_OPTIONS: [env.NODE_OPTIONS, preload].filter(Boolean).join(" "),
    };
}

function install(shiftMs: number): void {
    const RealDate = Date;
    const realNow = Date.now.bind(Date);
    const now = (): number => realNow() + shiftMs;
    const Shifted: DateConstructor = new Proxy(RealDate, {
        // new Date() reads the clock; new Date(anything) does not. Subclasses keep their prototype.
        construct: (target, args: unknown[], newTarget: (...a: unknown[]) => unknown): object =>
            Reflect.construct(
                target,
                args.length === 0 ? [now()] : args,
                newTarget === Shifted ? target : newTarget,
            ),
        // Date() called as a function ignores its arguments and returns the time as a string.
        apply: () => new RealDate(now()).toString(),
    });
    RealDate.now = now;
    Object.defineProperty(RealDate.prototype, "constructor", {
        value: Shifted,
        writable: true,
        configurable: true,
    });
    globalThis.Date = Shifted;
    const origin = performance.timeOrigin + shiftMs;
    Object.defineProperty(performance, "timeOrigin", { value: origin, configurable: true });
}

const shift = process.env[CLOCK_SHIFT_VARIABLE];
const marks = globalThis as { [INSTALLED]?: boolean };
if (shift !== undefined && shift !== "" && !marks[INSTALLED]) {
    const shiftMs = Number(shift);
    if (!Number.isSafeInteger(shiftMs))
        throw new Error(`${CLOCK_SHIFT_VARIABLE} must be a whole number of milliseconds, not ${shift}`);
    marks[INSTALLED] = true;
    install(shiftMs);
}

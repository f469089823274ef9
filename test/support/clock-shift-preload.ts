// Preloaded (NODE_OPTIONS=--require, see clock-shift.ts) into a Node process: moves its wall clock by
// ISC_PAT_CLOCK_SHIFT_MS.
import { performance } from "node:perf_hooks";
import { CLOCK_SHIFT_VARIABLE } from "./clock-shift";

const INSTALLED = Symbol.for("isc-pat.clock-shift");

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

// A movable clock: real time plus an offset, so time flows normally in long runs while tests
// can jump ahead (bearer expiry, PAT expiry, rate-limit windows, lastUsed) without sleeping.
export class Clock {
    private offsetMs = 0;

    now(): Date {
        return new Date(this.nowMs());
    }

    nowMs(): number {
        return Date.now() + this.offsetMs;
    }

    /** Jumps to `date`; time keeps flowing from there. */
    set(date: Date | string | number): void {
        const target = new Date(date).getTime();
        if (Number.isNaN(target)) throw new TypeError(`invalid date: ${String(date)}`);
        this.offsetMs = target - Date.now();
    }

    advance(ms: number): void {
        this.offsetMs += ms;
    }

    /** Back to real time. */
    reset(): void {
        this.offsetMs = 0;
    }
}

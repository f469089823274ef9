// The documented limit: 100 requests per client id per API version per 10 seconds. Choice: a sliding
// window (a log of accepted requests), on the emulator's clock so tests can move past it.
import type { Clock } from "./clock";

export interface RateLimitOptions {
    requests: number;
    windowSeconds: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { requests: 100, windowSeconds: 10 };

export class RateLimiter {
    private readonly windows = new Map<string, number[]>();

    constructor(
        private readonly clock: Clock,
        private options: RateLimitOptions | false,
    ) {}

    configure(options: RateLimitOptions | false): void {
        if (options && (!(options.requests >= 1) || !(options.windowSeconds > 0))) {
            throw new TypeError("rateLimit needs requests >= 1 and windowSeconds > 0");
        }
        this.options = options;
        this.windows.clear();
    }

    /**
     * Counts a request against `key`. Returns null when allowed, else the seconds until a slot frees
     * (at least 1), for Retry-After. Refused requests do not count.
     */
    take(key: string): number | null {
        if (!this.options) return null;
        const now = this.clock.nowMs();
        const windowMs = this.options.windowSeconds * 1000;
        const log = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs);
        this.windows.set(key, log);
        if (log.length >= this.options.requests) {
            return Math.max(1, Math.ceil((log[0] + windowMs - now) / 1000));
        }
        log.push(now);
        return null;
    }
}

// Keeps a provider process under the API's rate limit (100 requests per client id and API version
// per 10 seconds) instead of living on 429s: every request waits for a slot in its budget.
export interface PacingLimits {
    requests: number;
    windowMs: number;
}

export const API_RATE_LIMIT: PacingLimits = { requests: 100, windowMs: 10_000 };

/** Slack added to each slot, so that network jitter cannot bunch arrivals beyond the server's window. */
const SLOT_MARGIN_MS = 50;

interface Budget {
    sent: number[];
    tail: Promise<void>;
    pausedUntil: number;
}

export class RequestPacer {
    private readonly budgets = new Map<string, Budget>();

    constructor(
        private readonly limits: PacingLimits = API_RATE_LIMIT,
        private readonly clock: () => number = Date.now,
    ) {}

    /** Resolves when a request in budget `key` may be sent; callers are served in order. */
    acquire(key: string): Promise<void> {
        const budget = this.budget(key);
        const turn = budget.tail.then(() => this.waitForSlot(budget));
        budget.tail = turn.catch(() => undefined);
        return turn;
    }

    /** A 429 said when to come back: nobody in this budget sends before then. */
    pause(key: string, untilMs: number): void {
        const budget = this.budget(key);
        budget.pausedUntil = Math.max(budget.pausedUntil, untilMs);
    }

    private budget(key: string): Budget {
        let budget = this.budgets.get(key);
        if (!budget) {
            budget = { sent: [], tail: Promise.resolve(), pausedUntil: 0 };
            this.budgets.set(key, budget);
        }
        return budget;
    }

    private async waitForSlot(budget: Budget): Promise<void> {
        for (;;) {
            const now = this.clock();
            while (budget.sent.length > 0 && budget.sent[0] <= now - this.limits.windowMs)
                budget.sent.shift();
            let readyAt = budget.pausedUntil;
            if (budget.sent.length >= this.limits.requests) {
                readyAt = Math.max(readyAt, budget.sent[0] + this.limits.windowMs + SLOT_MARGIN_MS);
            }
            if (readyAt <= now) break;
            await sleep(readyAt - now);
        }
        budget.sent.push(this.clock());
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

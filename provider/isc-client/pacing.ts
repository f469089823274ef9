// Keeps a provider process under the API's rate limit (100 requests per client id and API version
// per 10 seconds) instead of living on 429s: every request waits for a slot in its budget. With
// `shared`, the budget is the machine's, kept in a ledger file (ledger.ts) that every provider
// process reads, so that back-to-back or concurrent `pulumi` commands stay under the limit together.
import { SLOT_MARGIN_MS, ledgerFor, longestWaitMs, type SharedLedger } from "./ledger";
export interface PacingLimits {
    requests: number;
    windowMs: number;
}

export const API_RATE_LIMIT: PacingLimits = { requests: 100, windowMs: 10_000 };

/** A request's place in its budget: it counts from when it was sent until it was answered + window. */
interface Slot {
    at: number;
    /** Its entry in the shared ledger, if the budget has one. */
    ledgerId?: string;
}

interface Budget {
    slots: Slot[];
    tail: Promise<void>;
    pausedUntil: number;
    ledger?: SharedLedger;
}

export interface PacerOptions {
    /** Share each budget with the other processes of this machine (a ledger in the temp directory). */
    shared?: boolean;
    /** The ledgers' directory; default a private one under the temp directory. For tests. */
    ledgerDir?: string;
}

export class RequestPacer {
    private readonly budgets = new Map<string, Budget>();

    constructor(
        private readonly limits: PacingLimits = API_RATE_LIMIT,
        private readonly clock: () => number = Date.now,
        private readonly options: PacerOptions = {},
    ) {}

    /**
     * Resolves when a request in budget `key` may be sent (callers are served in order), with a
     * function to call when its answer came: the server counted it at some moment in between, so
     * the slot stays taken until a window after the answer.
     */
    acquire(key: string, options: { retry?: boolean } = {}): Promise<() => void> {
        const budget = this.budget(key);
        // A retry (after a 429) keeps its place: it takes the next free slot, not the back of the queue.
        const turn = options.retry
            ? this.waitForSlot(budget)
            : budget.tail.then(() => this.waitForSlot(budget));
        if (!options.retry) {
            budget.tail = turn.then(
                () => undefined,
                () => undefined,
            );
        }
        return turn.then((slot) => () => {
            slot.at = this.clock();
            // Not awaited: the caller goes on; the write is locked and never throws.
            if (slot.ledgerId) void budget.ledger?.answered(slot.ledgerId);
        });
    }

    /** The pacer's clock: a 429's pause is set on it. */
    now(): number {
        return this.clock();
    }

    /** A 429 said when to come back: nobody in this budget sends before then. */
    pause(key: string, untilMs: number): void {
        const budget = this.budget(key);
        budget.pausedUntil = Math.max(budget.pausedUntil, untilMs);
        void budget.ledger?.pause(untilMs);
    }

    private budget(key: string): Budget {
        let budget = this.budgets.get(key);
        if (!budget) {
            budget = { slots: [], tail: Promise.resolve(), pausedUntil: 0 };
            if (this.options.shared) {
                const limits = { ...this.limits, marginMs: SLOT_MARGIN_MS };
                budget.ledger = ledgerFor(key, limits, this.clock, this.options.ledgerDir);
            }
            this.budgets.set(key, budget);
        }
        return budget;
    }

    private async waitForSlot(budget: Budget): Promise<Slot> {
        for (;;) {
            // The machine's budget, when shared: it holds this process's requests too.
            if (budget.ledger?.enabled) {
                const shared = await this.sharedSlot(budget, budget.ledger);
                if (shared) return shared;
                continue;
            }
            const now = this.clock();
            // Those still in flight carry Infinity: they hold their place until answered.
            this.dropExpired(budget, now);
            let readyAt = budget.pausedUntil;
            if (budget.slots.length >= this.limits.requests) {
                // At the limit only (answers arrive out of order): which slot frees first?
                const times = budget.slots.map((s) => s.at).sort((a, b) => a - b);
                const oldest = times[budget.slots.length - this.limits.requests];
                readyAt = Math.max(readyAt, oldest + this.limits.windowMs + SLOT_MARGIN_MS);
            }
            if (readyAt <= now) break;
            // An in-flight slot has no end yet: look again shortly.
            await this.wait(Number.isFinite(readyAt) ? readyAt - now : 25);
        }
        const slot: Slot = { at: Number.POSITIVE_INFINITY };
        budget.slots.push(slot);
        return slot;
    }

    /** Slots are in sending order; answered ones that left the window go from the front. */
    private dropExpired(budget: Budget, now: number): void {
        while (budget.slots.length > 0 && budget.slots[0].at <= now - this.limits.windowMs)
            budget.slots.shift();
    }

    /** A slot from the ledger, after waiting for this process's own pause; undefined if the ledger failed. */
    private async sharedSlot(budget: Budget, ledger: SharedLedger): Promise<Slot | undefined> {
        for (;;) {
            const now = this.clock();
            if (budget.pausedUntil > now) {
                await this.wait(budget.pausedUntil - now);
                continue;
            }
            const reservation = await ledger.reserve();
            if (!reservation) return undefined;
            if ("id" in reservation) {
                // Kept in the process's own budget too: if the ledger turns itself off, these
                // slots still count there.
                const slot: Slot = { at: Number.POSITIVE_INFINITY, ledgerId: reservation.id };
                this.dropExpired(budget, now);
                budget.slots.push(slot);
                return slot;
            }
            // An in-flight slot has no end yet: look again shortly.
            const wait = reservation.retryAt - this.clock();
            await this.wait(Number.isFinite(wait) ? Math.max(wait, 1) : 25);
        }
    }

    /** A wait, never longer than the API's window plus the capped Retry-After (a clock jump, a bad entry). */
    private wait(ms: number): Promise<void> {
        return sleep(Math.min(ms, longestWaitMs(this.limits)));
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

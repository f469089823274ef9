// Keeps a provider process under the API's rate limit (100 requests per client id and API version
// per 10 seconds) instead of living on 429s: every request waits for a slot in its budget. With
// `shared`, the budget is the machine's, kept in a ledger file (ledger.ts) that every provider
// process reads, so that back-to-back or concurrent `pulumi` commands stay under the limit together.
import { SLOT_MARGIN_MS, freeSlots, ledgerFor, longestWaitMs, type SharedLedger } from "./ledger";
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
    answered?: boolean;
}

/** A request waiting for its slot. */
type Waiter = (slot: Slot) => void;

interface Budget {
    slots: Slot[];
    /** Served in order; a retry after a 429 goes first. */
    queue: Waiter[];
    pausedUntil: number;
    ledger?: SharedLedger;
    timer?: NodeJS.Timeout;
    /** The timer polls: every slot is in flight, so no free time is known. */
    polling: boolean;
    /** A grant is under way (the ledger is read); `again` asks it for one more pass. */
    granting: boolean;
    again: boolean;
}

export interface PacerOptions {
    /** Share each budget with the other processes of this machine (a ledger in the temp directory). */
    shared?: boolean;
    /** The ledgers' directory; default a private one under the temp directory. For tests. */
    ledgerDir?: string;
}

/** How often a budget whose slots are all in flight looks again (an answer of ours wakes it at once). */
const POLL_MS = 25;

export class RequestPacer {
    private readonly budgets = new Map<string, Budget>();

    constructor(
        private readonly limits: PacingLimits = API_RATE_LIMIT,
        private readonly clock: () => number = Date.now,
        private readonly options: PacerOptions = {},
    ) {}

    /**
     * Resolves when a request in budget `key` may be sent (callers are served in order), with a
     * function to call when its answer's headers came: the server counted it at some moment in
     * between, so the slot stays taken until a window after the answer. Calls after the first do
     * nothing.
     */
    acquire(key: string, options: { retry?: boolean } = {}): Promise<() => void> {
        const budget = this.budget(key);
        const slot = new Promise<Slot>((resolve) => {
            // A retry (after a 429) keeps its place: it takes the next free slot, not the back of the queue.
            if (options.retry) budget.queue.unshift(resolve);
            else budget.queue.push(resolve);
        });
        void this.grant(budget);
        return slot.then((taken) => () => this.answered(budget, taken));
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
            budget = {
                slots: [],
                queue: [],
                pausedUntil: 0,
                polling: false,
                granting: false,
                again: false,
            };
            if (this.options.shared) {
                const limits = { ...this.limits, marginMs: SLOT_MARGIN_MS };
                budget.ledger = ledgerFor(key, limits, this.clock, this.options.ledgerDir);
            }
            this.budgets.set(key, budget);
        }
        return budget;
    }

    private answered(budget: Budget, slot: Slot): void {
        if (slot.answered) return;
        slot.answered = true;
        slot.at = this.clock();
        // A budget that polls learns when this slot frees (once written to the ledger, if shared).
        const wake = () => {
            if (budget.polling) void this.grant(budget);
        };
        // Not awaited: the caller goes on; the write is locked and never throws.
        if (slot.ledgerId && budget.ledger) void budget.ledger.answered(slot.ledgerId, slot.at).then(wake);
        else wake();
    }

    /**
     * Hands every slot that is free now to the waiters at the head of the queue, in one pass (one
     * read of the ledger), then sets one timer for when the next slot frees.
     */
    private async grant(budget: Budget): Promise<void> {
        if (budget.granting) {
            budget.again = true;
            return;
        }
        budget.granting = true;
        try {
            do {
                budget.again = false;
                clearTimeout(budget.timer);
                budget.timer = undefined;
                budget.polling = false;
                if (budget.queue.length === 0) return;
                const nextAt = await this.grantFree(budget);
                if (budget.queue.length > 0 && !budget.again) this.wakeAt(budget, nextAt);
            } while (budget.again);
        } finally {
            budget.granting = false;
        }
    }

    /** Grants the free slots; returns when the next one frees (Infinity: unknown, poll). */
    private async grantFree(budget: Budget): Promise<number> {
        const now = this.clock();
        if (budget.pausedUntil > now) return budget.pausedUntil;
        // The machine's budget, when shared: it holds this process's requests too.
        if (budget.ledger?.enabled) {
            const taken = await budget.ledger.reserveMany(budget.queue.length);
            if (taken) {
                for (const id of taken.ids) {
                    // Kept in the process's own budget too: if the ledger turns itself off, these
                    // slots still count there.
                    this.give(budget, { at: Number.POSITIVE_INFINITY, ledgerId: id });
                }
                return taken.retryAt;
            }
        }
        const count = Math.min(this.decide(budget, now).free, budget.queue.length);
        for (let i = 0; i < count; i++) this.give(budget, { at: Number.POSITIVE_INFINITY });
        return this.decide(budget, now).nextAt;
    }

    /** The in-process budget's decision at `now` (ledger.ts's freeSlots, on this process's slots). */
    private decide(budget: Budget, now: number): { free: number; nextAt: number } {
        // Slots are in sending order; answered ones that left the window go from the front.
        while (budget.slots.length > 0 && budget.slots[0].at <= now - this.limits.windowMs)
            budget.slots.shift();
        return freeSlots(
            budget.slots.map((s) => s.at),
            now,
            { ...this.limits, marginMs: SLOT_MARGIN_MS },
        );
    }

    private give(budget: Budget, slot: Slot): void {
        budget.slots.push(slot);
        (budget.queue.shift() as Waiter)(slot);
    }

    /**
     * One timer per budget, for when its next slot frees; never longer than the API's window plus
     * the capped Retry-After (a clock jump, a bad entry). Unknown (all in flight): poll.
     */
    private wakeAt(budget: Budget, at: number): void {
        const now = this.clock();
        budget.polling = !Number.isFinite(at);
        const ms = budget.polling ? POLL_MS : Math.min(Math.max(at - now, 1), longestWaitMs(this.limits));
        budget.timer = setTimeout(() => void this.grant(budget), ms);
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// The rate-limit budget shared by the provider processes of one machine. Each `pulumi` command
// starts a new provider process, while the API still counts the previous command's requests in its
// window: a small ledger file per budget (hashed name: no client id, no secret) records when each
// request was sent and answered, and every process reads it before sending. A lock file
// (file-lock.ts) guards each read-and-append, so that concurrent processes cannot both take the
// last slot; the critical section is synchronous and short. Any file-system trouble turns the
// ledger off for the budget: pacing falls back to the process's own, and no request fails.
// The directory is refused unless it is a real directory of this user's, mode 700 (a link planted
// by someone else could point at a folder of the user's own), and the clean-up removes only files
// whose names this module writes.
import { createHash, randomBytes } from "node:crypto";
import { constants, lstatSync, mkdirSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileLock, readNoFollow, writeWith, type FileLockOptions } from "./file-lock";
import { MAX_RETRY_AFTER_MS } from "./retry";

/** An unanswered request of a live process holds its slot at most this long (then counts as answered). */
const IN_FLIGHT_LIMIT_MS = 60_000;
/** Give up waiting for the lock after this long and pace in-process only. */
const LOCK_WAIT_LIMIT_MS = 10_000;
/** Ledgers untouched this long are removed when a process opens its first one. */
const ABANDONED_MS = 3_600_000;

export interface LedgerLimits {
    requests: number;
    windowMs: number;
    /** Slack added to each slot, as in the in-process pacer. */
    marginMs: number;
}

/** A free slot (its id, to record the answer) or when to look again (Infinity: poll). */
export type Reservation = { id: string } | { retryAt: number };

/** Ledger files are written mode 600 and never through a symbolic link (writeWith). */
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;
const REWRITE = constants.O_WRONLY | constants.O_TRUNC | constants.O_CREAT;

/**
 * Every name this module and its lock write in the directory: `<hash>.ledger`, the prune's
 * `<hash>.ledger.<pid>.<6 hex>.tmp`, and the lock's `<hash>.ledger.lock`,
 * `<hash>.ledger.lock.<pid>.<12 hex>.tmp` and `<hash>.ledger.lock.<16 hex>.break`. The clean-up touches no other.
 */
export const LEDGER_FILE_NAME =
    /^[0-9a-f]{40}\.ledger(\.\d+\.[0-9a-f]{6}\.tmp|\.lock(\.\d+\.[0-9a-f]{12}\.tmp|\.[0-9a-f]{16}\.break)?)?$/;

const processTag = `${process.pid}.${randomBytes(3).toString("hex")}`;
let sequence = 0;
/** The directories swept by this process (once each). */
const swept = new Set<string>();

export class SharedLedger {
    private disabled = false;
    private readonly lock: FileLock;

    constructor(
        readonly file: string,
        private readonly limits: LedgerLimits,
        private readonly clock: () => number,
        lockOptions: FileLockOptions = {},
    ) {
        this.lock = new FileLock(`${file}.lock`, lockOptions);
    }

    get enabled(): boolean {
        return !this.disabled;
    }

    /** Takes a slot if the budget has one now: records the send, under the lock. */
    async reserve(): Promise<Reservation | undefined> {
        const taken = await this.reserveMany(1);
        if (!taken) return undefined;
        return taken.ids.length > 0 ? { id: taken.ids[0] } : { retryAt: taken.retryAt };
    }

    /**
     * Takes up to `count` slots, as many as the budget has free now, in one read and one write under
     * the lock; `retryAt` is when the next slot frees (Infinity: poll).
     */
    async reserveMany(count: number): Promise<{ ids: string[]; retryAt: number } | undefined> {
        return this.locked(() => {
            const now = this.clock();
            const { ends, pausedUntil, lines, live } = this.read(now);
            if (pausedUntil > now) return { ids: [], retryAt: pausedUntil };
            const { free } = freeSlots(ends, now, this.limits);
            const ids = Array.from({ length: Math.min(free, count) }, () => `${processTag}.${++sequence}`);
            const taken = [...ends, ...ids.map(() => Number.POSITIVE_INFINITY)];
            const retryAt = freeSlots(taken, now, this.limits).nextAt;
            if (ids.length === 0) return { ids, retryAt };
            if (lines > 8 * this.limits.requests) this.prune(now, live);
            append(this.file, ids.map((id) => `${id} s ${now}\n`).join(""));
            return { ids, retryAt };
        });
    }

    /**
     * The request's answer came at `at` (default now): its slot frees a window after. The time is the
     * answer's, not the lock's: a write that waited for the lock must not hold the slot longer.
     * Resolves once written (or the ledger is off).
     */
    async answered(id: string, at: number = this.clock()): Promise<void> {
        await this.locked(() => append(this.file, `${id} a ${Math.ceil(at)}\n`));
    }

    /** A 429 said when to come back: every process of this budget waits. Resolves once written. */
    async pause(untilMs: number): Promise<void> {
        await this.locked(() => append(this.file, `- p ${Math.round(untilMs)}\n`));
    }

    /** When each request's slot frees (Infinity while in flight), and the latest pause. */
    private read(now: number): { ends: number[]; pausedUntil: number; lines: number; live: Set<string> } {
        let text = "";
        try {
            text = readNoFollow(this.file);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
        const sent = new Map<string, number>();
        const answered = new Map<string, number>();
        let pausedUntil = 0;
        let lines = 0;
        // No request or pause of this budget can reach further ahead than the API's window plus the
        // capped Retry-After: an entry beyond is from a clock that runs ahead (faketime), or garbage.
        const horizon = now + longestWaitMs(this.limits);
        for (const line of text.split("\n")) {
            const [id, kind, at] = line.split(" ");
            const ms = Number(at);
            if (!id || !Number.isFinite(ms) || ms > horizon) continue;
            lines++;
            if (kind === "s") sent.set(id, ms);
            else if (kind === "a") answered.set(id, ms);
            else if (kind === "p") pausedUntil = Math.max(pausedUntil, ms);
        }
        const alive = new Map<string, boolean>();
        const ends: number[] = [];
        // The requests that still count: their lines survive a prune.
        const live = new Set<string>();
        for (const [id, at] of sent) {
            const done = answered.get(id);
            let end: number;
            if (done !== undefined) end = done;
            else if (at < now - IN_FLIGHT_LIMIT_MS) end = at + IN_FLIGHT_LIMIT_MS;
            else end = isAlive(id, alive) ? Number.POSITIVE_INFINITY : at;
            ends.push(end);
            if (end > now - this.limits.windowMs) live.add(id);
        }
        return { ends, pausedUntil, lines, live };
    }

    /** Rewrites the ledger with the lines that still count (live requests, pauses to come); removes it when none do. */
    private prune(now: number, live: Set<string>): void {
        const kept = readNoFollow(this.file)
            .split("\n")
            .filter((line) => {
                const [id, kind, at] = line.split(" ");
                return kind === "p" ? Number(at) > now : live.has(id);
            });
        if (kept.length === 0) {
            unlinkSync(this.file);
            return;
        }
        const temp = `${this.file}.${processTag}.tmp`;
        writeWith(temp, REWRITE, kept.map((l) => `${l}\n`).join(""));
        renameSync(temp, this.file);
    }

    /** Runs `work` holding the lock; on any file-system error, turns the ledger off. */
    private async locked<T>(work: () => T): Promise<T | undefined> {
        if (this.disabled) return undefined;
        try {
            const started = Date.now();
            while (!this.lock.tryAcquire()) {
                if (Date.now() - started > LOCK_WAIT_LIMIT_MS) throw new Error("lock wait limit");
                await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 3));
            }
            try {
                return work();
            } finally {
                this.lock.release();
            }
        } catch {
            this.disabled = true;
            return undefined;
        }
    }
}

/**
 * The budget's decision, pure: given when each counted request was answered (Infinity while in
 * flight), how many slots are free at `now`, and when one is free next (now if one is; Infinity while
 * every slot is in flight). A request counts until a window after its answer; a full budget's next slot
 * frees a window and the margin after its oldest answer.
 */
export function freeSlots(
    ends: readonly number[],
    now: number,
    limits: LedgerLimits,
): { free: number; nextAt: number } {
    const busy = ends.filter((end) => end > now - limits.windowMs);
    const free = Math.max(0, limits.requests - busy.length);
    if (free > 0) return { free, nextAt: now };
    busy.sort((a, b) => a - b);
    return { free, nextAt: busy[busy.length - limits.requests] + limits.windowMs + limits.marginMs };
}

/** The longest any process waits for a slot: the API's window plus the capped Retry-After (and the margin). */
export function longestWaitMs(limits: { windowMs: number }): number {
    return limits.windowMs + MAX_RETRY_AFTER_MS + SLOT_MARGIN_MS;
}

/** Slack added to each slot, so that network jitter cannot bunch arrivals beyond the server's window. */
export const SLOT_MARGIN_MS = 50;

/**
 * The ledger of a budget, in a private directory under the temp directory; undefined if unusable.
 * `lockOptions` are its lock's (tests give it a clock for lock ages).
 */
export function ledgerFor(
    budget: string,
    limits: LedgerLimits,
    clock: () => number,
    dir = join(tmpdir(), `isc-pat-pacing-${process.getuid?.() ?? "user"}`),
    lockOptions: FileLockOptions = {},
): SharedLedger | undefined {
    try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Not through a link (lstat); someone else's or a shared directory could feed us a forged
        // ledger, and a link could point at a folder of ours that the clean-up must not touch.
        const stat = lstatSync(dir);
        if (!stat.isDirectory() || (stat.mode & 0o777) !== 0o700) return undefined;
        if (process.getuid && stat.uid !== process.getuid()) return undefined;
        if (!swept.has(dir)) {
            swept.add(dir);
            sweep(dir);
        }
        const name = createHash("sha256").update(budget).digest("hex").slice(0, 40);
        return new SharedLedger(join(dir, `${name}.ledger`), limits, clock, lockOptions);
    } catch {
        return undefined;
    }
}

/** Whether the process that wrote an id still runs (cached per read). */
function isAlive(id: string, cache: Map<string, boolean>): boolean {
    const pid = Number(id.split(".")[0]);
    let alive = cache.get(String(pid));
    if (alive === undefined) {
        try {
            process.kill(pid, 0);
            alive = true;
        } catch (error) {
            alive = (error as NodeJS.ErrnoException).code === "EPERM";
        }
        cache.set(String(pid), alive);
    }
    return alive;
}

function append(file: string, line: string): void {
    writeWith(file, APPEND, line);
}

/**
 * The file system's "now": the modification time of a file written just now. File ages are measured
 * against it rather than against the process's clock, which may differ (a clock moved by faketime for
 * the process but not for the kernel's timestamps; a temp directory on another host). The probe is
 * named like a prune's temp file, so that a leftover one is swept too.
 */
function fileSystemNow(dir: string): number {
    const probe = join(dir, `${"0".repeat(40)}.ledger.${processTag}.tmp`);
    writeWith(probe, REWRITE, "");
    try {
        return lstatSync(probe).mtimeMs;
    } finally {
        unlinkSync(probe);
    }
}

/** Removes the ledger files (only those: by name, plain files) untouched for an hour. */
function sweep(dir: string): void {
    const now = fileSystemNow(dir);
    for (const name of readdirSync(dir)) {
        if (!LEDGER_FILE_NAME.test(name)) continue;
        try {
            const path = join(dir, name);
            const stat = lstatSync(path);
            if (stat.isFile() && now - stat.mtimeMs > ABANDONED_MS) unlinkSync(path);
        } catch {
            // Another process swept at the same time.
        }
    }
}

// A lock between the processes of one machine, made of a file, for the shared pacing ledger
// (ledger.ts). The lock file holds its holder's token (pid + random), created whole by linking a
// private temp file into place, so that a holder removes only its own lock, never a successor's.
// A lock whose holder died is taken over without a window for two holders: the taker first wins an
// exclusive "break" name derived from the stale token (a hard link to the lock it judged), checks
// through that link that it still holds the stale token, and only then removes it; a late rival
// for the same stale lock finds the break name taken, or links the new lock and sees another token.
// The file-system operations and a hook between steps are injectable, to test the interleavings.
import { createHash, randomBytes } from "node:crypto";
import {
    closeSync,
    constants,
    linkSync,
    lstatSync,
    openSync,
    readFileSync,
    unlinkSync,
    writeSync,
} from "node:fs";

/** Refuse to follow a symbolic link where the platform can (not on Windows). */
export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Writes `data` to a file opened with `flags` (created mode 600). */
export function writeWith(path: string, flags: number, data: string): void {
    const fd = openSync(path, flags | NOFOLLOW, 0o600);
    try {
        writeSync(fd, data);
    } finally {
        closeSync(fd);
    }
}

/** A file's text, never through a symbolic link. */
export function readNoFollow(path: string): string {
    const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
    try {
        return readFileSync(fd, "utf8");
    } finally {
        closeSync(fd);
    }
}

/** A lock younger than this is never taken over (a holder may be between creating and reading). */
export const STALE_LOCK_MS = 2_000;
/**
 * A lock older than this is taken over even if a process of its holder's pid runs: the critical
 * section is sub-millisecond, so that process is a reused pid (or one stopped for seconds).
 */
export const HOLDER_LIMIT_MS = 8_000;

/** What a lock token looks like: `<pid>.<12 hex>`. */
export const LOCK_TOKEN = /^\d+\.[0-9a-f]{12}$/;

export interface LockFs {
    /** Creates a new file with `data`, mode 600, failing if it exists; never through a link. */
    createExclusive(path: string, data: string): void;
    link(existing: string, newPath: string): void;
    read(path: string): string;
    unlink(path: string): void;
    /** A file's own times (not a link target's); linking or unlinking a name changes ctime. */
    times(path: string): { mtimeMs: number; ctimeMs: number };
}

export const nodeLockFs: LockFs = {
    createExclusive: (path, data) =>
        writeWith(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, data),
    link: linkSync,
    read: readNoFollow,
    unlink: unlinkSync,
    times: (path) => lstatSync(path),
};

/** Steps at which a test can let another process act. */
export type LockStep = "judged-stale" | "won-break";

export interface FileLockOptions {
    fs?: LockFs;
    /**
     * The clock lock ages are read on. Default: the file system's own, the time stamp of the file
     * just created, so that a process with a shifted clock (faketime, a simulated clock) reads ages right.
     */
    now?: () => number;
    /** Whether a process of this pid runs on this machine. */
    isAlive?: (pid: number) => boolean;
    hook?: (step: LockStep) => void;
}

export class FileLock {
    /** This holder's token, written into the lock: unique per lock object. */
    readonly token = `${process.pid}.${randomBytes(6).toString("hex")}`;
    private held = false;
    private readonly fs: LockFs;
    private readonly now: () => number;
    /** The file system's time when this holder last created its temp file. */
    private fsNow = 0;
    private readonly isAlive: (pid: number) => boolean;

    constructor(
        readonly path: string,
        private readonly options: FileLockOptions = {},
    ) {
        this.fs = options.fs ?? nodeLockFs;
        this.now = options.now ?? (() => this.fsNow);
        this.isAlive = options.isAlive ?? pidAlive;
    }

    /** One attempt: true if the lock is now held; takes over a stale lock. Throws on file-system trouble. */
    tryAcquire(): boolean {
        if (this.held) throw new Error("lock already held");
        if (this.create()) return true;
        const stale = this.staleToken();
        if (stale === undefined) return false;
        this.options.hook?.("judged-stale");
        this.breakStale(stale);
        return this.create();
    }

    /** Removes the lock if it is still this holder's. */
    release(): void {
        if (!this.held) return;
        this.held = false;
        let current: string;
        try {
            current = this.fs.read(this.path);
        } catch (error) {
            if (code(error) === "ENOENT") return;
            throw error;
        }
        if (current === this.token) this.fs.unlink(this.path);
    }

    /** Links a private file holding the token into place: the lock never exists without its token. */
    private create(): boolean {
        const temp = `${this.path}.${this.token}.tmp`;
        this.fs.createExclusive(temp, this.token);
        try {
            this.fsNow = this.fs.times(temp).mtimeMs;
            this.fs.link(temp, this.path);
            this.held = true;
            return true;
        } catch (error) {
            if (code(error) !== "EEXIST") throw error;
            return false;
        } finally {
            this.fs.unlink(temp);
        }
    }

    /** The current lock's token if its holder is gone; undefined if it is live (or already gone). */
    private staleToken(): string | undefined {
        try {
            // Token first: if the lock is replaced in between, the age is the newer lock's (errs live).
            const token = this.fs.read(this.path);
            const age = this.now() - this.fs.times(this.path).mtimeMs;
            if (age <= STALE_LOCK_MS) return undefined;
            const pid = LOCK_TOKEN.test(token) ? Number(token.split(".")[0]) : Number.NaN;
            const alive = Number.isSafeInteger(pid) && pid > 0 && this.isAlive(pid);
            return alive && age <= HOLDER_LIMIT_MS ? undefined : token;
        } catch (error) {
            if (code(error) === "ENOENT") return undefined;
            throw error;
        }
    }

    /** Removes the lock holding `stale`, if it still does and no rival is removing it. */
    private breakStale(stale: string): void {
        const breakName = `${this.path}.${createHash("sha256").update(stale).digest("hex").slice(0, 16)}.break`;
        try {
            // Pins whatever lock is in place now; only one taker per stale token gets the name.
            this.fs.link(this.path, breakName);
        } catch (error) {
            const c = code(error);
            if (c === "ENOENT") return; // released meanwhile
            if (c !== "EEXIST") throw error;
            // A rival is breaking it; if that rival died, its break name goes once old (its ctime
            // is when it was linked, whereas its mtime is the stale lock's).
            try {
                if (this.now() - this.fs.times(breakName).ctimeMs > HOLDER_LIMIT_MS)
                    this.fs.unlink(breakName);
            } catch (gone) {
                if (code(gone) !== "ENOENT") throw gone;
            }
            return;
        }
        try {
            this.options.hook?.("won-break");
            // The pinned file is the stale lock itself, else it was replaced since it was judged.
            if (this.fs.read(breakName) === stale) this.fs.unlink(this.path);
        } finally {
            this.fs.unlink(breakName);
        }
    }
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return code(error) === "EPERM";
    }
}

function code(error: unknown): string | undefined {
    return (error as NodeJS.ErrnoException | undefined)?.code;
}

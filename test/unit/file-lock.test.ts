// The ledger's lock between processes: a holder removes only its own lock, and a stale lock is taken
// over by one taker only. The interleavings of two or three processes are played step by step through
// the lock's hook (real files in a temp directory; ages through an injected clock, deaths through an
// injected liveness check), so no test depends on timing.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
    existsSync,
    linkSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    statSync,
    utimesSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    FileLock,
    HOLDER_LIMIT_MS,
    STALE_LOCK_MS,
    type FileLockOptions,
} from "../../provider/isc-client/file-lock";
import { fileSystemNow } from "../support/fs-clock";

const DEAD = "999999.aaaaaaaaaaaa";

describe("file lock", () => {
    let dir: string;
    let path: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "file-lock-"));
        path = join(dir, "x.ledger.lock");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** A lock whose clock runs `aheadMs` past the files' times, with holders alive or not. */
    function lock(aheadMs: number, alive: boolean, options: FileLockOptions = {}): FileLock {
        return new FileLock(path, { now: () => fileSystemNow() + aheadMs, isAlive: () => alive, ...options });
    }

    function plantStale(token = DEAD): void {
        writeFileSync(path, token);
    }

    it("holds its token in a mode-600 file; others wait; release frees it and leaves nothing behind", () => {
        const a = lock(0, true);
        const b = lock(0, true);
        assert.equal(a.tryAcquire(), true);
        assert.equal(readFileSync(path, "utf8"), a.token);
        assert.match(a.token, new RegExp(`^${process.pid}\\.[0-9a-f]{12}$`));
        assert.equal(statSync(path).mode & 0o777, 0o600);
        assert.equal(b.tryAcquire(), false);
        a.release();
        assert.equal(b.tryAcquire(), true);
        b.release();
        assert.deepEqual(readdirSync(dir), []);
    });

    it("release leaves a lock that is no longer its own", () => {
        const a = lock(0, true);
        assert.equal(a.tryAcquire(), true);
        // Someone took it over meanwhile (a holder stopped for longer than the holder limit).
        rmSync(path);
        writeFileSync(path, "4242.bbbbbbbbbbbb");
        a.release();
        assert.equal(readFileSync(path, "utf8"), "4242.bbbbbbbbbbbb");
    });

    it("takes over a dead holder's lock only once it is older than the stale age", () => {
        plantStale();
        assert.equal(lock(STALE_LOCK_MS - 500, false).tryAcquire(), false);
        assert.equal(readFileSync(path, "utf8"), DEAD);
        const taker = lock(STALE_LOCK_MS + 500, false);
        assert.equal(taker.tryAcquire(), true);
        assert.equal(readFileSync(path, "utf8"), taker.token);
    });

    it("waits for a live holder past the stale age, up to the holder limit (a reused pid)", () => {
        plantStale(`${process.pid}.cccccccccccc`);
        assert.equal(lock(STALE_LOCK_MS + 1_000, true).tryAcquire(), false);
        assert.equal(readFileSync(path, "utf8"), `${process.pid}.cccccccccccc`);
        assert.equal(lock(HOLDER_LIMIT_MS + 1_000, true).tryAcquire(), true);
    });

    it("reads ages on the file system's clock by default", () => {
        plantStale();
        const taker = new FileLock(path, { isAlive: () => false });
        assert.equal(taker.tryAcquire(), false, "a lock just made is young");
        const past = new Date(fileSystemNow() - STALE_LOCK_MS - 5_000);
        utimesSync(path, past, past);
        assert.equal(taker.tryAcquire(), true);
    });

    it("two takers of one stale lock: the late one does not remove the winner's new lock", () => {
        plantStale();
        const winner = lock(STALE_LOCK_MS + 500, false);
        let winnerGot: boolean | undefined;
        // The late taker judged the lock stale; before it acts, the winner takes over and holds it.
        const late = lock(STALE_LOCK_MS + 500, false, {
            hook: (step) => {
                if (step === "judged-stale") winnerGot = winner.tryAcquire();
            },
        });
        assert.equal(late.tryAcquire(), false);
        assert.equal(winnerGot, true);
        assert.equal(readFileSync(path, "utf8"), winner.token);
        assert.ok(existsSync(path));
        winner.release();
        assert.deepEqual(readdirSync(dir), []);
    });

    it("a rival that comes while a taker removes the stale lock backs off; the taker gets it", () => {
        plantStale();
        const rival = lock(STALE_LOCK_MS + 500, false);
        let rivalGot: boolean | undefined;
        const taker = lock(STALE_LOCK_MS + 500, false, {
            hook: (step) => {
                if (step === "won-break") rivalGot = rival.tryAcquire();
            },
        });
        assert.equal(taker.tryAcquire(), true);
        assert.equal(rivalGot, false);
        assert.equal(readFileSync(path, "utf8"), taker.token);
    });

    it("a rival that judged the old lock stale but acts after the taker released it and another holds it", () => {
        plantStale();
        const taker = lock(STALE_LOCK_MS + 500, false);
        const holder = lock(0, true);
        const late = lock(STALE_LOCK_MS + 500, false, {
            hook: (step) => {
                if (step !== "judged-stale") return;
                assert.equal(taker.tryAcquire(), true);
                taker.release();
                assert.equal(holder.tryAcquire(), true);
            },
        });
        assert.equal(late.tryAcquire(), false);
        assert.equal(readFileSync(path, "utf8"), holder.token);
    });

    it("a break name left by a taker that died is removed once old, and the stale lock is then taken", () => {
        plantStale();
        const breakName = `${path}.${createHash("sha256").update(DEAD).digest("hex").slice(0, 16)}.break`;
        linkSync(path, breakName);
        // Young: a taker may still be at work.
        assert.equal(lock(STALE_LOCK_MS + 500, false).tryAcquire(), false);
        assert.ok(existsSync(breakName));
        const next = lock(HOLDER_LIMIT_MS + 1_000, false);
        assert.equal(next.tryAcquire(), false);
        assert.equal(existsSync(breakName), false);
        assert.equal(next.tryAcquire(), true);
        next.release();
        assert.deepEqual(readdirSync(dir), []);
    });
});

// The shared ledger's decisions, with a fake clock: slots, answers, pauses, pruning, stale locks,
// refusing a directory others can write or a link, a clean-up that removes only ledger files, and
// the pacer keeping the ledger's slots when the ledger turns itself off.
import assert from "node:assert/strict";
import {
    chmodSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    statSync,
    symlinkSync,
    utimesSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileLock, HOLDER_LIMIT_MS, STALE_LOCK_MS } from "../../provider/isc-client/file-lock";
import { LEDGER_FILE_NAME, ledgerFor, type SharedLedger } from "../../provider/isc-client/ledger";
import { RequestPacer, sleep } from "../../provider/isc-client/pacing";
import { fileSystemNow } from "../support/fs-clock";
import { DAY } from "../support/time";

const LIMITS = { requests: 3, windowMs: 1_000, marginMs: 50 };

describe("shared pacing ledger", () => {
    let dir: string;
    let now: number;
    const clock = () => now;
    beforeEach(() => {
        dir = join(mkdtempSync(join(tmpdir(), "ledger-")), "ledgers");
        now = 1_000_000;
    });
    afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

    function open(): SharedLedger {
        const ledger = ledgerFor("https://t.example client-a v3", LIMITS, clock, dir);
        assert.ok(ledger);
        return ledger;
    }

    it("two holders of one budget share its slots; a slot frees a window after its answer", async () => {
        const a = open();
        const b = open();
        const ids: string[] = [];
        for (const ledger of [a, b, a]) {
            const r = await ledger.reserve();
            assert.ok(r && "id" in r);
            ids.push(r.id);
        }
        // All three in flight: no end known yet.
        assert.deepEqual(await b.reserve(), { retryAt: Number.POSITIVE_INFINITY });
        now += 100;
        await a.answered(ids[0]);
        assert.deepEqual(await b.reserve(), { retryAt: now + 1_000 + 50 });
        now += 1_000;
        assert.ok(await b.reserve().then((r) => r && "id" in r));
        assert.doesNotMatch(readFileSync(a.file, "utf8"), /client-a|t\.example/);
    });

    it("a pause (a 429's Retry-After) holds every holder back", async () => {
        const a = open();
        await a.pause(now + 3_000);
        assert.deepEqual(await open().reserve(), { retryAt: now + 3_000 });
    });

    it("ignores entries further ahead than the window plus the capped Retry-After (a clock a year ahead)", async () => {
        const a = open();
        const yearAhead = now + 366 * DAY;
        writeFileSync(
            a.file,
            `- p ${yearAhead}\n1.abc.1 s ${yearAhead}\n1.abc.1 a ${yearAhead}\n`.repeat(3),
            {
                mode: 0o600,
            },
        );
        const r = await open().reserve();
        assert.ok(r && "id" in r, `a slot now, not at ${JSON.stringify(r)}`);
        // At the edge, a pause is still honoured: the window (here 1 s) + 120 s + the margin.
        await a.pause(now + 121_050);
        assert.deepEqual(await open().reserve(), { retryAt: now + 121_050 });
    });

    it("a process sharing a ledger with a year-ahead entry gets its slot at once, with no TimeoutOverflowWarning", async () => {
        const warnings: Error[] = [];
        const onWarning = (w: Error) => warnings.push(w);
        process.on("warning", onWarning);
        try {
            const pacer = new RequestPacer({ requests: 3, windowMs: 1_000 }, Date.now, {
                shared: true,
                ledgerDir: dir,
            });
            const ledger = ledgerFor("c", { ...LIMITS, requests: 3 }, Date.now, dir);
            assert.ok(ledger);
            const yearAhead = Date.now() + 366 * DAY;
            writeFileSync(ledger.file, `- p ${yearAhead}\n`, { mode: 0o600 });
            const answered = await pacer.acquire("c");
            answered();
            await new Promise((resolve) => setTimeout(resolve, 20));
            assert.deepEqual(
                warnings.map((w) => w.name),
                [],
            );
        } finally {
            process.off("warning", onWarning);
        }
    });

    it("a request of a process that is gone counts from its send, not forever", async () => {
        const a = open();
        writeFileSync(a.file, [1, 2, 3].map((i) => `999999999.abcdef.${i} s ${now - 500}\n`).join(""));
        assert.deepEqual(await a.reserve(), { retryAt: now - 500 + 1_050 });
    });

    it("prunes what no longer counts, and removes a stale lock", async () => {
        const a = open();
        const old = `1.abcdef.1 s ${now - 120_000}\n1.abcdef.1 a ${now - 119_000}\n`;
        writeFileSync(a.file, old.repeat(20));
        writeFileSync(`${a.file}.lock`, "");
        // Ten seconds old by the file system's clock (the file just written), whatever the process's.
        const past = new Date(statSync(a.file).mtimeMs - 10_000);
        utimesSync(`${a.file}.lock`, past, past);
        const r = await a.reserve();
        assert.ok(r && "id" in r);
        assert.equal(readFileSync(a.file, "utf8").split("\n").length, 2);
        assert.equal(existsSync(`${a.file}.lock`), false);
    });

    it("uses no directory that others can write, or that is not its own to write (mode 700 only)", () => {
        open();
        chmodSync(dir, 0o777);
        assert.equal(ledgerFor("x", LIMITS, clock, dir), undefined);
        chmodSync(dir, 0o500);
        assert.equal(ledgerFor("x", LIMITS, clock, dir), undefined);
    });

    it("refuses a link planted in its place, and leaves the files it points at alone", () => {
        // Another user plants the ledger directory's name as a link to the victim's own private folder.
        const victim = join(dir, "..", "ssh");
        mkdirSync(victim, { mode: 0o700 });
        const key = join(victim, "id_ed25519");
        writeFileSync(key, "private");
        const past = new Date(fileSystemNow() - 2 * 3_600_000);
        utimesSync(key, past, past);
        symlinkSync(victim, dir);
        assert.equal(ledgerFor("x", LIMITS, clock, dir), undefined);
        assert.equal(readFileSync(key, "utf8"), "private");
    });

    it("cleans up only its own files untouched for an hour", () => {
        mkdirSync(dir, { mode: 0o700 });
        const hash = "0123456789abcdef0123456789abcdef01234567";
        const old = [`${hash}.ledger`, `${hash}.ledger.lock`, `${hash}.ledger.12.abcdef.tmp`];
        old.push(`${hash}.ledger.lock.12.abcdefabcdef.tmp`, `${hash}.ledger.lock.0123456789abcdef.break`);
        const foreign = ["id_ed25519", "notes.ledger", `${hash}.ledger.bak`, `${hash}.ledgerx`];
        const fresh = `${"f".repeat(40)}.ledger`;
        const past = new Date(fileSystemNow() - 2 * 3_600_000);
        for (const name of [...old, ...foreign]) {
            writeFileSync(join(dir, name), "x");
            utimesSync(join(dir, name), past, past);
        }
        writeFileSync(join(dir, fresh), "x");
        open();
        assert.deepEqual(readdirSync(dir).sort(), [...foreign, fresh].sort());
    });

    it("names every file it writes as the clean-up expects, and writes them mode 600", async () => {
        const a = open();
        assert.ok(await a.reserve().then((r) => r && "id" in r));
        assert.equal(statSync(a.file).mode & 0o777, 0o600);
        const lock = new FileLock(`${a.file}.lock`);
        const names = readdirSync(dir);
        names.push(`${a.file}.${process.pid}.abcdef.tmp`, `${lock.path}.${lock.token}.tmp`);
        names.push(`${lock.path}.${"0".repeat(16)}.break`, lock.path);
        for (const name of names) assert.match(name.replace(`${dir}/`, ""), LEDGER_FILE_NAME);
    });

    it("records an answer at the time it came, not when the lock was free", async () => {
        const a = open();
        const ids: string[] = [];
        for (let i = 0; i < LIMITS.requests; i++) {
            const r = await a.reserve();
            assert.ok(r && "id" in r);
            ids.push(r.id);
        }
        const answeredAt = now + 100;
        // Another live process holds the lock while the answer comes; it lets go 400 ms later.
        writeFileSync(`${a.file}.lock`, `${process.pid}.dddddddddddd`);
        const written = a.answered(ids[0], answeredAt);
        await sleep(20);
        now += 500;
        rmSync(`${a.file}.lock`);
        await written;
        assert.match(readFileSync(a.file, "utf8"), new RegExp(`^${ids[0]} a ${answeredAt}$`, "m"));
        // The full budget's next slot frees a window (and the margin) after the answer, not after the write.
        assert.deepEqual(await a.reserve(), { retryAt: answeredAt + LIMITS.windowMs + LIMITS.marginMs });
    });

    it("waits for a live holder's lock from the stale age to the holder limit, and takes it over after", async () => {
        const lock = `${ledgerFor("https://t.example client-a v3", LIMITS, clock, dir)!.file}.lock`;
        writeFileSync(lock, `${process.pid}.cccccccccccc`);
        const written = statSync(lock).mtimeMs;
        // The lock's age is read on an injected clock: each reading is the ledger judging the lock
        // once, at the age set for that step, whatever the machine's load.
        let age = 0;
        let judged: () => void = () => undefined;
        const a = ledgerFor("https://t.example client-a v3", LIMITS, clock, dir, {
            now: () => {
                judged();
                return written + age;
            },
        })!;
        const judgedAt = (ms: number) =>
            new Promise<void>((resolve) => {
                age = ms;
                judged = resolve;
            });
        let settled = false;
        const reserved = a.reserve().then((r) => {
            settled = true;
            return r;
        });
        // The whole window in which the holder counts as live, its last millisecond included.
        const ages = [STALE_LOCK_MS + 1, 4_000, 6_000, HOLDER_LIMIT_MS - 1, HOLDER_LIMIT_MS];
        for (const ms of ages) {
            // Judged twice at that age (the first judgement did not take it), unless it was taken.
            for (const _ of [1, 2]) await Promise.race([judgedAt(ms), reserved]);
            assert.equal(settled, false, `taken at a lock age of ${ms} ms`);
            assert.equal(readFileSync(lock, "utf8"), `${process.pid}.cccccccccccc`);
        }
        // Past the holder limit a live holder is taken to be stuck: the lock is taken over.
        age = HOLDER_LIMIT_MS + 1;
        judged = () => undefined;
        assert.ok(await reserved.then((r) => r && "id" in r));
    });
});

describe("pacer over the shared ledger", () => {
    let dir: string;
    let now: number;
    beforeEach(() => {
        dir = join(mkdtempSync(join(tmpdir(), "pacer-ledger-")), "ledgers");
        now = 1_000_000;
    });
    afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

    it("keeps counting the ledger's slots when the ledger turns itself off", async () => {
        const pacer = new RequestPacer({ requests: 3, windowMs: 1_000 }, () => now, {
            shared: true,
            ledgerDir: dir,
        });
        const answers = await Promise.all([1, 2, 3].map(() => pacer.acquire("b")));
        const [file] = readdirSync(dir).filter((n) => n.endsWith(".ledger"));
        assert.ok(file);
        // The ledger breaks (a directory where the file was): the next reservation turns it off.
        rmSync(join(dir, file));
        mkdirSync(join(dir, file));
        let fourth = false;
        const next = pacer.acquire("b").then((answered) => {
            fourth = true;
            return answered;
        });
        // In flight, the slots count whatever the clock says; the pacer looks again every 25 ms.
        for (let step = 0; step < 4; step++) {
            now += 10_000;
            await sleep(60);
            assert.equal(fourth, false, "the three slots taken through the ledger still count");
        }
        answers[0]();
        // Answered, the first frees a window later: not a millisecond before.
        now += 1_000 - 1;
        await sleep(60);
        assert.equal(fourth, false, "the answered slot still counts to the end of its window");
        now += 1 + 50;
        await next;
        assert.equal(fourth, true);
    });
});

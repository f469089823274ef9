// The shared ledger's decisions, with a fake clock: slots, answers, pauses, pruning, stale locks,
// and refusing a directory others can write.
import assert from "node:assert/strict";
import {
    chmodSync,
    existsSync,
    mkdtempSync,
    readFileSync,
    rmSync,
    statSync,
    utimesSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ledgerFor, type SharedLedger } from "../../provider/ledger";

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
        a.answered(ids[0]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(await b.reserve(), { retryAt: now + 1_000 + 50 });
        now += 1_000;
        assert.ok(await b.reserve().then((r) => r && "id" in r));
        assert.doesNotMatch(readFileSync(a.file, "utf8"), /client-a|t\.example/);
    });

    it("a pause (a 429's Retry-After) holds every holder back", async () => {
        const a = open();
        a.pause(now + 3_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(await open().reserve(), { retryAt: now + 3_000 });
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

    it("uses no directory that others can write", () => {
        open();
        chmodSync(dir, 0o777);
        assert.equal(ledgerFor("x", LIMITS, clock, dir), undefined);
    });
});

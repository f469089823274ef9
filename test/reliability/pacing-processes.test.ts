// The rate-limit budget is the machine's, not the process's: provider processes started one after
// the other (as back-to-back `pulumi` commands start them) or side by side meet zero 429s from the
// emulator's real limit (100 per client id and version per 10 s), through the ledger in the temp
// directory. Real processes, real HTTP, real limit.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHarness, type Harness } from "../support/harness";

const CHILD = join(__dirname, "..", "support", "pacing-child.js");

describe("pacing across provider processes", function () {
    this.timeout(120_000);
    let h: Harness;
    let temp: string;
    beforeEach(async () => {
        h = await startHarness({ rateLimit: { requests: 100, windowSeconds: 10 } });
        temp = mkdtempSync(join(tmpdir(), "pacing-processes-"));
    });
    afterEach(async () => {
        await h.emulator.stop();
        rmSync(temp, { recursive: true, force: true });
    });

    async function run(prefix: string, count: number): Promise<void> {
        const child = spawn(process.execPath, [CHILD, prefix, String(count)], {
            env: { ...process.env, ...h.env, TMPDIR: temp },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const [code] = (await once(child, "exit")) as [number | null];
        assert.equal(code, 0, stderr);
    }

    function assertNoRateLimitAndPrivateLedger(tokens: number): void {
        assert.equal(h.emulator.tokens().length, tokens);
        assert.equal(h.emulator.requests.filter((r) => r.status === 429).length, 0);
        // The ledger: hashed names, timestamps only; no client id, no secret anywhere.
        const [dir] = readdirSync(temp).filter((d) => d.startsWith("isc-pat-pacing-"));
        for (const name of readdirSync(join(temp, dir))) {
            assert.match(name, /^[0-9a-f]{40}\.ledger$/);
            const text = readFileSync(join(temp, dir, name), "utf8");
            assert.match(text, /^(\d+\.[0-9a-f]{6}\.\d+ [sa] \d+\n|- p \d+\n)+$/);
            assert.ok(!text.includes(h.clientId) && !text.includes(h.clientSecret));
        }
    }

    it("back to back: the second process waits for the first one's window instead of meeting 429s", async () => {
        await run("first", 100);
        await run("second", 30);
        assertNoRateLimitAndPrivateLedger(130);
        // The second process's requests all came a window after the first one's burst.
        const creates = h.emulator.requests.filter((r) => r.operation === "create");
        const first = Date.parse(creates[0].at);
        const second = creates.slice(100).map((r) => Date.parse(r.at));
        assert.ok(Math.min(...second) - first >= 10_000, "the second burst waited out the window");
    });

    it("side by side: two processes share one budget", async () => {
        await Promise.all([run("left", 70), run("right", 70)]);
        assertNoRateLimitAndPrivateLedger(140);
    });
});

// The provider's own timing of its paced requests (provider/isc-client/timing.ts), which the benchmark
// sets beside the API's arrivals to tell the pacer's hold from an engine that asks late: written only
// when ISC_PAT_TIMING_FILE asks, one line per attempt, its marks in order, no secret; and the pacer
// alone, timed so, holds a request at most 0.2 s past its own rule. Real HTTP, the emulator.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lagSplit } from "../../bench/lag";
import { HttpTransport } from "../../provider/isc-client/http";
import { RequestPacer } from "../../provider/isc-client/pacing";
import { readTimings, timedCall, TIMING_FILE_VARIABLE } from "../../provider/isc-client/timing";
import {
    bearerTokenSource,
    createToken,
    inDays,
    listRequest,
    PATIENT_RETRIES,
    startHarness,
    type Harness,
} from "../support/harness";
import { hygiene } from "../support/hygiene";

describe("the provider's timing of its requests", function () {
    this.timeout(60_000);
    let h: Harness;
    let dir: string;
    const saved = process.env[TIMING_FILE_VARIABLE];
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "pacing-timing-"))));
    afterEach(async () => {
        if (saved === undefined) delete process.env[TIMING_FILE_VARIABLE];
        else process.env[TIMING_FILE_VARIABLE] = saved;
        await h.emulator.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("is written only when ISC_PAT_TIMING_FILE asks: one line per paced request, its marks in order, no secret", async () => {
        h = await startHarness();
        const file = join(dir, "timing.jsonl");
        const p = h.provider();
        delete process.env[TIMING_FILE_VARIABLE];
        await createToken(p, { name: "untimed", expirationDate: inDays(30) });
        assert.ok(!existsSync(file), "no timing without the variable");

        process.env[TIMING_FILE_VARIABLE] = file;
        const made = await createToken(p, { name: "timed", expirationDate: inDays(30) });
        await p.delete(made.id, made.outs);
        const text = readFileSync(file, "utf8");
        const lines = readTimings(text);
        // The list before the create, the create, the delete: the token endpoint is not paced.
        const paced = h.emulator.requests.filter((r) => r.operation !== "token");
        assert.deepEqual(
            lines.map((l) => [l.call, l.method, l.status]),
            paced
                .slice(-lines.length)
                .map((r) => [r.method === "DELETE" ? "delete" : "create", r.method, r.status]),
        );
        assert.deepEqual(
            lines.map((l) => l.method),
            ["GET", "POST", "DELETE"],
        );
        for (const l of lines) {
            const marks = [l.callAt, l.queuedAt, l.grantedAt, l.sentAt, l.headersAt];
            assert.ok(
                marks.every((m, i) => typeof m === "number" && (i === 0 || m >= (marks[i - 1] as number))),
                `in order: ${JSON.stringify(l)}`,
            );
            assert.equal(l.pid, process.pid);
        }
        // Times and names only: no URL, no header, no body, no secret.
        assert.ok(!text.includes(h.emulator.baseUrl) && !text.includes(made.id), text);
        hygiene.record("timing file", text);
        assert.deepEqual(hygiene.leaksIn(text), []);
        assert.ok(!text.includes(h.clientSecret));
    });

    it("the pacer alone never holds a request a window past the answers it saw", async () => {
        // 60 requests asked for at once against 20 per 2 s: three windows, through the machine's ledger.
        // The bounds below are half a window and one window: a correctness bound (a pacer that hands
        // slots out late or a tick at a time holds a request for a window), not a speed target, which is
        // the benchmark's (`bench/lag.ts`, README's Performance) and which a loaded machine would break.
        const limit = { requests: 20, windowSeconds: 2 };
        h = await startHarness({ rateLimit: limit, latencyMs: 5 });
        process.env[TIMING_FILE_VARIABLE] = join(dir, "timing.jsonl");
        const bearer = await bearerTokenSource(h).token();
        const limits = { requests: limit.requests, windowMs: limit.windowSeconds * 1000 };
        const pacer = new RequestPacer(limits, Date.now, { shared: true, ledgerDir: join(dir, "ledgers") });
        const transport = new HttpTransport(PATIENT_RETRIES, pacer);
        const list = () => transport.send(listRequest(h, bearer, "pacer-alone"));
        await timedCall("read", () => Promise.all(Array.from({ length: 60 }, list)));
        assert.equal(h.emulator.requests.filter((r) => r.status === 429).length, 0);
        const arrivals = h.emulator.requests
            .filter((r) => r.operation === "list")
            .map((r) => Date.parse(r.at))
            .sort((a, b) => a - b);
        const split = lagSplit(
            arrivals,
            readTimings(readFileSync(join(dir, "timing.jsonl"), "utf8")),
            limits,
        );
        assert.ok(split, "every request timed and paired");
        assert.equal(split.engineLagS, 0, "every call had come before its room");
        // Past its own rule (a window after the answers it saw), the pacer holds nothing for half a window.
        assert.ok(
            split.pacerPastAnswersS < limit.windowSeconds / 2,
            `the pacer's hold: ${JSON.stringify(split)}`,
        );
        // Its share at the API adds how late each answer reached it, over two windows: a pacer that held
        // requests a window longer would exceed one window.
        assert.ok(split.pacerLagS < limit.windowSeconds, `the pacer's share: ${JSON.stringify(split)}`);
    });
});

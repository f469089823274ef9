// A 429's Retry-After pauses the budget on the pacer's own clock, whatever that clock says: a pacer
// whose clock runs years ahead of the system's (a simulated clock, or faketime) still waits out the
// pause before its retry. Real HTTP against the emulator's 429 fault.
import assert from "node:assert/strict";
import { HttpTransport } from "../../provider/isc-client/http";
import { RequestPacer } from "../../provider/isc-client/pacing";
import { FAST_RETRIES, NO_PACING, startHarness, type Harness } from "../support/harness";
import { DAY } from "../support/time";

const YEARS_AHEAD_MS = 10 * 365 * DAY;

describe("pacing on one clock", function () {
    this.timeout(30_000);
    let h: Harness;
    afterEach(async () => {
        await h.emulator.stop();
    });

    it("a 429's pause holds the retry back for Retry-After on the pacer's clock", async () => {
        h = await startHarness();
        h.emulator.faults.add({ kind: "429", method: "GET", retryAfterSeconds: 1, times: 1 });
        const pacer = new RequestPacer(NO_PACING, () => Date.now() + YEARS_AHEAD_MS);
        const transport = new HttpTransport(FAST_RETRIES, pacer);
        const response = await transport.send({
            operation: "list personal access tokens",
            method: "GET",
            url: `${h.emulator.baseUrl}/v3/personal-access-tokens`,
            displayPath: "/v3/personal-access-tokens",
            idempotent: true,
            budget: "clock-test",
        });
        // No credentials were sent: the retry got through the fault and met authentication.
        assert.equal(response.status, 401);
        const [limited, retry] = h.emulator.requests;
        assert.equal(limited.status, 429);
        assert.equal(h.emulator.requests.length, 2);
        const gap = Date.parse(retry.at) - Date.parse(limited.at);
        assert.ok(gap >= 900, `the retry waited out Retry-After (came after ${gap} ms)`);
    });
});

import assert from "node:assert/strict";
import { IscEmulator } from "../../emulator/index";
import { bearer, call } from "./helpers";

describe("emulator: rate limit", () => {
    let emu: IscEmulator;
    afterEach(() => emu.stop());

    it("allows 100 requests per client per version per 10 s by default; the 101st is a 429", async () => {
        emu = await IscEmulator.start();
        const token = await bearer(emu);
        for (let i = 0; i < 100; i++) {
            assert.equal((await call(emu, "GET", "/v3/personal-access-tokens", { token })).status, 200);
        }
        const limited = await call(emu, "GET", "/v3/personal-access-tokens", { token });
        assert.equal(limited.status, 429);
        assert.deepEqual(limited.body, { message: " Rate Limit Exceeded " });
        const retryAfter = Number(limited.headers.get("retry-after"));
        assert.ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`);
        // Another API version has its own budget; the token endpoint is not limited.
        assert.equal((await call(emu, "GET", "/v2025/personal-access-tokens", { token })).status, 200);
        await bearer(emu);
        // Once the window has passed, requests go through again.
        emu.clock.advance(10_001);
        assert.equal((await call(emu, "GET", "/v3/personal-access-tokens", { token })).status, 200);
    });

    it("can be configured and turned off", async () => {
        emu = await IscEmulator.start({ rateLimit: { requests: 2, windowSeconds: 60 } });
        const token = await bearer(emu);
        await call(emu, "GET", "/v3/personal-access-tokens", { token });
        emu.clock.advance(30_000);
        await call(emu, "GET", "/v3/personal-access-tokens", { token });
        const limited = await call(emu, "GET", "/v3/personal-access-tokens", { token });
        assert.equal(limited.status, 429);
        // The oldest request leaves the window in ~30 s.
        const retryAfter = Number(limited.headers.get("retry-after"));
        assert.ok(retryAfter >= 29 && retryAfter <= 30, `Retry-After ${retryAfter}`);
        assert.equal(emu.requests.at(-1)?.status, 429);
        emu.setRateLimit(false);
        assert.equal((await call(emu, "GET", "/v3/personal-access-tokens", { token })).status, 200);
    });
});

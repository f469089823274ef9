// The secret checker's own tests. The suite-wide check itself runs in mocha's main process once every
// worker is done (test/support/suite-hooks.ts): no text any process printed may hold a secret any test
// or emulator knew; a run with this file must have seen some of each.
import assert from "node:assert/strict";
import { HygieneLog } from "./support/hygiene";

describe("secret hygiene checker", () => {
    it("flags a registered secret and a JWT, and passes clean text", () => {
        const log = new HygieneLog();
        log.secret("0123456789abcdef0123");
        log.record("clean", "create personal access token failed: HTTP 400");
        assert.deepEqual(log.leaks(), []);
        log.record("leaky", "oops 0123456789abcdef0123");
        log.record("jwt", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
        assert.equal(log.leaks().length, 2);
    });

    it("finds a hex secret inside a longer hex run, and a secret of any other shape", () => {
        const log = new HygieneLog();
        log.secret("00ff".repeat(16));
        log.secret("pass word!");
        assert.deepEqual(log.leaksIn(`x=ab${"00ff".repeat(16)}cd, 00ff00ff`), ["holds a secret (…00ff)"]);
        assert.deepEqual(log.leaksIn("say: pass word!"), ["holds a secret (…ord!)"]);
        assert.deepEqual(log.leaksIn(`${"00ff".repeat(15)} 00ff`), []);
    });
});

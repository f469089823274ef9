// The suite-wide secret check runs after every other test (a root-level hook): no text any test
// captured may hold a secret any test registered.
import assert from "node:assert/strict";
import { HygieneLog, hygiene } from "./support/hygiene";

after("no captured output holds a secret", function () {
    const { secrets, texts } = hygiene.counts();
    assert.ok(secrets > 0 && texts > 0, `the hygiene check saw ${secrets} secrets and ${texts} texts`);
    assert.deepEqual(hygiene.leaks(), []);
});

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

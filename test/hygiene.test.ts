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
});

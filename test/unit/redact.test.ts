// scrub(): registered secrets and secret-shaped strings never leave the provider.
import assert from "node:assert/strict";
import { registerSecret, scrub } from "../../provider/redact";

// Values unique to this file: the registry is process-wide, so they must not occur in other tests' text.
const CLIENT_SECRET = "redact-test-client-secret-5b4a39281706f5e4";
const PAT_SECRET = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
const JWT =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZW5hbnRfaWQiOiJhY21lIiwiaWRlbnRpdHlfaWQiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

describe("redact", () => {
    before(() => {
        registerSecret(CLIENT_SECRET);
        registerSecret(PAT_SECRET);
    });

    const cases: { title: string; text: string; expected: string }[] = [
        {
            title: "a registered client secret",
            text: `login failed for secret ${CLIENT_SECRET}`,
            expected: "login failed for secret [secret]",
        },
        {
            title: "every occurrence of a registered secret",
            text: `${PAT_SECRET} and again ${PAT_SECRET}.`,
            expected: "[secret] and again [secret].",
        },
        {
            title: "a registered secret inside a larger word",
            text: `x${CLIENT_SECRET}y`,
            expected: "x[secret]y",
        },
        {
            title: "a Bearer token",
            text: "Authorization: Bearer abc123.def456-ghi_789~x+y/z=",
            expected: "Authorization: Bearer [secret]",
        },
        {
            title: "a bearer token in lower case",
            text: "authorization: bearer 0123456789abcdef",
            expected: "authorization: bearer [secret]",
        },
        {
            title: "a JWT-shaped string on its own",
            text: `token was ${JWT} (expired)`,
            expected: "token was [secret] (expired)",
        },
        {
            title: "a JWT without a signature",
            text: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4eXoifQ.",
            expected: "[secret]",
        },
        {
            title: "client_secret= in a form body",
            text: "grant_type=client_credentials&client_id=abc&client_secret=s3cr3t-value&x=1",
            expected: "grant_type=client_credentials&client_id=abc&client_secret=[secret]&x=1",
        },
        {
            title: "client_secret= in a query string, any case",
            text: "POST /oauth/token?CLIENT_SECRET=hunter2hunter2 failed",
            expected: "POST /oauth/token?CLIENT_SECRET=[secret] failed",
        },
        {
            title: "a short client_secret= value",
            text: "client_secret=ab",
            expected: "client_secret=[secret]",
        },
    ];
    for (const { title, text, expected } of cases) {
        it(`scrubs ${title}`, () => {
            const result = scrub(text);
            assert.equal(result, expected);
            assert.ok(
                !result.includes(CLIENT_SECRET) && !result.includes(PAT_SECRET) && !result.includes(JWT),
            );
        });
    }

    it("ignores short registered values: they would mask too much", () => {
        registerSecret("1234567");
        registerSecret("abc");
        registerSecret("");
        assert.equal(scrub("ids 1234567 and abc stay"), "ids 1234567 and abc stay");
    });

    it("ignores null and undefined", () => {
        registerSecret(null);
        registerSecret(undefined);
        assert.equal(scrub("null undefined"), "null undefined");
    });

    it("registers a value of exactly 8 characters", () => {
        registerSecret("8chars!!");
        assert.equal(scrub("a 8chars!! b"), "a [secret] b");
    });

    it("leaves ordinary text alone", () => {
        for (const text of [
            "create personal access token failed: POST /v3/personal-access-tokens returned HTTP 400",
            "Bearer abc",
            "eyJshort.x.y",
            "the client_secret is wrong",
            "id 9c8a6d2f0e1b4a3c8d7e6f5a4b3c2d1e",
        ]) {
            assert.equal(scrub(text), text);
        }
    });
});

// scrub(): registered secrets and secret-shaped strings never leave the provider.
import assert from "node:assert/strict";
import {
    MAX_SECRET_CHARS,
    MAX_SHOWN_CHARS,
    printable,
    registerSecret,
    scrub,
    secretRanges,
} from "../../provider/isc-client/redact";
import { resolveConnection } from "../../provider/isc-client/config";

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
        {
            title: "an environment variable's value that looks like a placeholder but is not one",
            text: "export SAIL_CLIENT_SECRET=<value>x and client_secret=<value>&more=<value>",
            expected: "export SAIL_CLIENT_SECRET=[secret] and client_secret=<value>&more=<value>",
        },
    ];

    for (const place of [
        { door: "native", explicit: true },
        { door: "native", explicit: false },
        { door: "dynamic", explicit: false },
    ] as const) {
        it(`keeps the missing-settings hint's placeholder, in its provider's words (${place.door}${place.explicit ? ", explicit provider" : ""})`, () => {
            let hint = "";
            try {
                resolveConnection({}, place, {});
            } catch (error) {
                hint = scrub((error as Error).message);
            }
            assert.match(hint, /export SAIL_CLIENT_SECRET=<value>/);
            assert.ok(!hint.includes("[secret]"), hint);
            // An explicit provider's settings are its properties: no stack config key names them.
            if (place.explicit) assert.doesNotMatch(hint, /pulumi config set|iscpat:/, hint);
            else assert.match(hint, /pulumi config set --secret (sailpoint|iscpat):clientSecret <value>/);
        });
    }
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

    it("is linear: hostile bodies cost a bounded number of steps per character", () => {
        // A regex for JWT shapes backtracks quadratically on "eyJ-eyJ-…" (40 KB: 1 s, 160 KB: 12 s);
        // the scan's work is counted, so this fails on any quadratic behaviour, not on a slow machine.
        const hostile = [
            "eyJ-".repeat(250_000),
            "eyJ".repeat(300_000),
            `eyJaaaaa.${"eyJ-".repeat(200_000)}`,
            `${"eyJaaaaa.bbbbb".repeat(50_000)}`,
            `Bearer ${" ".repeat(500_000)}x`,
            "client_secret=".repeat(50_000),
            "a.".repeat(400_000),
        ];
        for (const text of hostile) {
            const stats = { steps: 0 };
            secretRanges(text, stats);
            assert.ok(
                stats.steps <= 6 * text.length + 100,
                `${stats.steps} steps for ${text.length} characters`,
            );
        }
    });

    it("finds the same JWT shapes as the regex it replaces", () => {
        const jwtShape = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
        const samples = [
            JWT,
            `a-${JWT}.x`,
            `x${JWT}`,
            "eyJabc.eyJdefgh.ij",
            "eyJabcde.fgh.eyJabcde.fghij.k",
            "eyJ-eyJabcde.fghij.",
            "_eyJabcde.fghij.k eyJabcde.fghij.k",
            "eyJabcde..fghij.k",
            "eyJabcde.fghij",
            "q.eyJabcde.fghijk.l.m",
        ];
        for (const text of samples) {
            const expected = [...text.matchAll(jwtShape)].map((m) => [m.index, m.index + m[0].length]);
            assert.deepEqual(secretRanges(text), expected, text);
        }
    });

    it("shows at most MAX_SHOWN_CHARS characters and says how many more there were", () => {
        const result = scrub("x".repeat(MAX_SHOWN_CHARS + 5_000));
        assert.equal(result, `${"x".repeat(MAX_SHOWN_CHARS)}… [5000 more characters not shown]`);
        assert.equal(scrub("eyJ-".repeat(40_000)).length < MAX_SHOWN_CHARS + 100, true);
    });

    it("masks a secret that the length limit cuts through, whole", () => {
        const bearer = "0123456789abcdef0123456789";
        for (const [before, secret] of [
            ["", CLIENT_SECRET],
            ["", JWT],
            ["Bearer ", bearer],
        ]) {
            for (const offset of [1, 5, secret.length - 1]) {
                const head = `${"x".repeat(MAX_SHOWN_CHARS - offset - before.length - 1)} ${before}`;
                const result = scrub(`${head}${secret} ${"y".repeat(99)}`);
                const expected = `${head}[secret]… [100 more characters not shown]`;
                assert.ok(result === expected, `${secret} cut at ${offset}: ${result.slice(-60)}`);
            }
        }
    });

    it("refuses to register a value longer than MAX_SECRET_CHARS: a scrub's work stays bounded", () => {
        const huge = "f".repeat(16 * 1024 * 1024); // a hostile answer's 16 MB "secret"
        assert.equal(registerSecret(huge), false);
        const stats = { steps: 0, scanned: 0 };
        const result = scrub(`error: ${huge}`, stats);
        assert.ok(stats.scanned <= MAX_SHOWN_CHARS + 16_384, `${stats.scanned} characters scanned`);
        assert.match(result, /more characters not shown\]$/);
    });

    it("a secret of MAX_SECRET_CHARS is registered, and masked whole when the length limit cuts it", () => {
        const longest = `${"0123456789abcdef".repeat(MAX_SECRET_CHARS / 16 - 1)}fedcba9876543210`;
        assert.equal(longest.length, MAX_SECRET_CHARS);
        assert.equal(registerSecret(longest), true);
        const head = "x".repeat(MAX_SHOWN_CHARS - 10);
        assert.equal(scrub(`${head}${longest}`), `${head}[secret]`);
    });

    it("escapes control characters, ANSI escapes included, and keeps newlines", () => {
        assert.equal(
            scrub("name \u001b[31mred\u001b[0m\u0007\r\nnext"),
            "name \\u001b[31mred\\u001b[0m\\u0007\\u000d\nnext",
        );
        assert.equal(scrub("a\u009b2Jb\u202ec"), "a\\u009b2Jb\\u202ec");
        assert.equal(printable("one\ntwo\u001b"), "one\\u000atwo\\u001b");
    });
});

// Hostile and mistaken input: each row fails clearly, naming the property (or setting) and the fix,
// and makes no API call.
import assert from "node:assert/strict";
import { configKey } from "../../provider/isc-client/settings";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PersonalAccessTokenProvider } from "../../provider";
import { FAST_RETRIES, failure, inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { API_VERSIONS_TEXT, MODERN_VERSIONS_TEXT } from "../../provider/rules/versions";

interface InputRow {
    title: string;
    inputs: Record<string, unknown>;
    property: string;
    fix: RegExp;
}

const rows: InputRow[] = [
    { title: "empty name", inputs: { name: "" }, property: "name", fix: /must not be empty/ },
    { title: "non-string name", inputs: { name: 42 }, property: "name", fix: /a non-empty string/ },
    { title: "white-space name", inputs: { name: "   " }, property: "name", fix: /more than white space/ },
    {
        title: "scope not an array",
        inputs: { scope: "sp:scopes:all" },
        property: "scope",
        fix: /an array of scope strings/,
    },
    {
        title: "scope with an empty string",
        inputs: { scope: ["sp:scopes:default", ""] },
        property: "scope[1]",
        fix: /non-empty string/,
    },
    {
        title: "validity below range",
        inputs: { accessTokenValiditySeconds: 14 },
        property: "accessTokenValiditySeconds",
        fix: /from 15 to 43200/,
    },
    {
        title: "validity above range",
        inputs: { accessTokenValiditySeconds: 43201 },
        property: "accessTokenValiditySeconds",
        fix: /from 15 to 43200/,
    },
    {
        title: "fractional validity",
        inputs: { accessTokenValiditySeconds: 60.5 },
        property: "accessTokenValiditySeconds",
        fix: /whole number of seconds/,
    },
    {
        title: "malformed date",
        inputs: { expirationDate: inDays(30).slice(0, 10).split("-").reverse().join("/") },
        property: "expirationDate",
        fix: /RFC 3339 date-time .* e\.g\. "\d{4}-\d{2}-\d{2}T00:00:00Z"/,
    },
    {
        title: "date without a time zone",
        // A month ahead, its zone dropped: only the missing zone is wrong, whatever the day the suite runs.
        inputs: { expirationDate: inDays(30).replace(/(\.\d+)?Z$/, "") },
        property: "expirationDate",
        fix: /with a time zone/,
    },
    {
        title: "past date",
        inputs: { expirationDate: "2021-01-01T00:00:00Z" },
        property: "expirationDate",
        fix: /must be in the future/,
    },
    {
        title: "beyond 6 months on v2024",
        inputs: { apiVersion: "v2024", expirationDate: inDays(200) },
        property: "expirationDate",
        fix: new RegExp(`at most 6 months ahead .* or apiVersion ${MODERN_VERSIONS_TEXT}`),
    },
    {
        title: "never-expiring without acknowledgment",
        inputs: { apiVersion: "v2026", expirationDate: null },
        property: "userAwareTokenNeverExpires",
        fix: /must be true to acknowledge/,
    },
    {
        title: "acknowledgment on beta",
        inputs: { apiVersion: "beta", userAwareTokenNeverExpires: true },
        property: "userAwareTokenNeverExpires",
        fix: /not supported on apiVersion beta .*; remove it/,
    },
    {
        title: "unknown property",
        inputs: { owner: "someone" },
        property: "owner",
        fix: /valid properties are: name, scope/,
    },
    {
        title: "unknown apiVersion",
        inputs: { apiVersion: "v4" },
        property: "apiVersion",
        fix: new RegExp(`must be one of ${API_VERSIONS_TEXT}`),
    },
];

describe("bad input: clear failures and no API call", () => {
    const ctx = useHarness();
    beforeEach(() => ctx.h.emulator.resetRequests());
    afterEach(() => assert.equal(ctx.h.emulator.requests.length, 0, "no request reached the API"));

    for (const row of rows) {
        it(row.title, async () => {
            const inputs = { name: "valid-name", expirationDate: inDays(30), ...row.inputs };
            const { failures } = await ctx.h.provider().check({}, inputs);
            const failure = failures?.find((f) => f.property === row.property);
            assert.ok(failure, `a failure names ${row.property}: ${JSON.stringify(failures)}`);
            assert.match(failure.reason, row.fix);
            hygiene.record(`check ${row.title}`, JSON.stringify(failures));
        });
    }

    it("an http:// base URL that is not loopback", async () => {
        const p = new PersonalAccessTokenProvider({
            env: () => ({ ...ctx.h.env, SAIL_BASE_URL: "http://acme.api.identitynow.com" }),
        });
        const error = await failure("http base URL", p.read("x", { apiVersion: "v1" } as never));
        assert.match(error.message, /must use https:\/\/ .* only for loopback hosts/);
    });

    it("missing credentials", async () => {
        const p = new PersonalAccessTokenProvider({ env: () => ({}) });
        const error = await failure("no credentials", p.delete("x", { apiVersion: "v1" } as never));
        assert.match(
            error.message,
            new RegExp(
                `missing: ${(["baseUrl", "clientId", "clientSecret"] as const).map((n) => configKey("dynamic", n)).join(", ")}`,
            ),
        );
        assert.match(
            error.message,
            new RegExp(
                `pulumi config set ${configKey("dynamic", "baseUrl")} <value> {3}or {3}export SAIL_BASE_URL=<value>`,
            ),
        );
    });
});

describe("bad input: malformed JSON from the server", () => {
    let server: Server;
    let baseUrl: string;
    const bodies: Record<string, string> = {
        "/oauth/token": '{"access_token": "opaque-soak-bearer-98765", "expires_in": 600}',
        "/v1/personal-access-tokens": '[{"id": "unterminated',
    };
    before(async () => {
        server = createServer((req, res) => {
            const path = (req.url ?? "").split("?")[0];
            res.setHeader("content-type", "application/json");
            res.end(bodies[path] ?? "not json at all");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        hygiene.secret("opaque-soak-bearer-98765");
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("names the request and says the body is not JSON", async () => {
        const p = new PersonalAccessTokenProvider({
            env: () => ({
                SAIL_BASE_URL: baseUrl,
                SAIL_CLIENT_ID: "c",
                SAIL_CLIENT_SECRET: "malformed-json-secret",
            }),
            retryPolicy: FAST_RETRIES,
        });
        hygiene.secret("malformed-json-secret");
        const error = await failure("malformed list", p.read("x", { apiVersion: "v1" } as never));
        assert.match(
            error.message,
            /list personal access tokens failed: GET \/personal-access-tokens\/v1\?owner-id=me returned HTTP 200 \(the response body is not valid JSON/,
        );
        assert.match(error.message, /Check that the base URL points at the tenant's API/);
    });
});

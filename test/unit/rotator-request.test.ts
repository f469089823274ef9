// The ESC rotator's pure parts: the body ESC posts read into a request and a state, with check's rules
// and the names check uses; the generations' names; and the audit counting the rotator's generations.
// Also the URLs `isc-pat rotator` refuses before it listens (the bin, spawned: it stops at once).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import type { TokenRecord } from "../../wire/api-types";
import { classify, renderTable } from "../../provider/audit/inventory";
import { BadRequest, baseOf, createBody, generationName, parseBody } from "../../provider/rotator/request";
import { AUDIT_DEFAULTS } from "../../policy/thresholds";
import { DAY } from "../support/time";

const NOW = new Date();
const REQUEST = { name: "ci-bot", scope: ["sp:scopes:default"], lifetimeDays: 30, apiVersion: "v2025" };

function failures(body: unknown): string[] {
    try {
        parseBody(body, NOW);
    } catch (error) {
        assert.ok(error instanceof BadRequest, String(error));
        return error.failures.map((f) => `${f.property} ${f.reason}`);
    }
    assert.fail("expected a BadRequest");
}

describe("rotator: the body ESC posts", () => {
    it("reads a request and a null state; the create body expires lifetimeDays from now", () => {
        const parsed = parseBody({ request: REQUEST, state: null }, NOW);
        assert.deepEqual(parsed.request, { ...REQUEST, scope: ["sp:scopes:default"] });
        assert.equal(parsed.state, null);
        const body = createBody(parsed.request, NOW);
        assert.equal(body.name, generationName("ci-bot", NOW));
        assert.equal(
            Date.parse(body.expirationDate as string),
            Math.floor((NOW.getTime() + 30 * DAY) / 1000) * 1000,
        );
        assert.deepEqual(body.scope, ["sp:scopes:default"]);
    });

    it("reads the previous answer as the state, and keeps its secret only for scrubbing", () => {
        const answer = {
            clientId: "abc",
            clientSecret: "s".repeat(64),
            tokenId: "abc",
            tokenName: "ci-bot-esc-x",
            previous: { tokenId: "def", tokenName: "ci-bot-esc-y" },
            rotatedAt: NOW.toISOString(),
        };
        const parsed = parseBody({ request: REQUEST, state: answer }, NOW);
        assert.deepEqual(parsed.state, {
            tokenId: "abc",
            tokenName: "ci-bot-esc-x",
            previous: { tokenId: "def", tokenName: "ci-bot-esc-y" },
            rotatedAt: answer.rotatedAt,
        });
        assert.equal(parsed.stateSecret, answer.clientSecret);
    });

    it("names each bad field as check does, under request.", () => {
        assert.deepEqual(failures({ request: { ...REQUEST, lifetimeDays: 0 }, state: null }), [
            "request.lifetimeDays must be a whole number of days from 1 to 36500 (100 years)",
        ]);
        assert.match(
            failures({ request: { ...REQUEST, apiVersion: "v3", lifetimeDays: 200 }, state: null })[0],
            /^request\.lifetimeDays must be at most 180 days/,
        );
        assert.match(
            failures({ request: { ...REQUEST, scope: ["ok", 3] }, state: null })[0],
            /^request\.scope\[1\] must be/,
        );
        assert.match(
            failures({ request: { ...REQUEST, apiVersion: "v9" }, state: null })[0],
            /^request\.apiVersion must be one of/,
        );
        assert.match(
            failures({ request: { scope: null, lifetimeDays: 3 }, state: null })[0],
            /^request\.name is required/,
        );
        assert.match(
            failures({ request: { name: "x" }, state: null })[0],
            /^request\.lifetimeDays is required/,
        );
        assert.match(failures({ request: REQUEST, state: { tokenId: 5 } })[0], /^state\.tokenId/);
        assert.match(failures({ request: REQUEST, state: null, more: 1 })[0], /^more is not a field/);
    });

    it("never throws anything but BadRequest, whatever the body", () => {
        fc.assert(
            fc.property(fc.jsonValue(), fc.jsonValue(), (request, state) => {
                try {
                    parseBody({ request, state }, NOW);
                } catch (error) {
                    assert.ok(error instanceof BadRequest);
                }
            }),
        );
    });
});

describe("rotator: generations' names", () => {
    it("are unique to the millisecond and give back their base", () => {
        const a = generationName("ci-bot", NOW);
        const b = generationName("ci-bot", new Date(NOW.getTime() + 1));
        assert.notEqual(a, b);
        assert.equal(baseOf(a), "ci-bot");
        assert.equal(baseOf("ci-bot-esc-2027"), undefined);
        // The provider's own rotation names (seconds, no -esc-) are not the rotator's.
        assert.equal(baseOf("ci-bot-20270101T000000Z"), undefined);
    });

    it("the audit counts the two newest generations of each base as the rotator's, an older one unmanaged", () => {
        const owner = { type: "IDENTITY" as const, id: "me", name: "CI" };
        const record = (name: string, at: number): TokenRecord => ({
            id: name,
            name,
            scope: ["sp:scopes:default"],
            owner,
            created: new Date(at).toISOString(),
            lastUsed: null,
            managed: false,
            accessTokenValiditySeconds: 43200,
            expirationDate: new Date(at + 30 * DAY).toISOString(),
        });
        const [g1, g2, g3] = [3, 2, 1].map((d) =>
            record(generationName("ci-bot", new Date(NOW.getTime() - d * DAY)), NOW.getTime() - d * DAY),
        );
        const other = record("person-token", NOW.getTime());
        const entries = classify([g1, g2, g3, other], [], NOW, AUDIT_DEFAULTS);
        const by = new Map(entries.map((e) => [e.id, e]));
        assert.equal(by.get(g3.id)?.rotator, "ci-bot");
        assert.equal(by.get(g2.id)?.rotator, "ci-bot");
        assert.ok(by.get(g2.id)?.managed && !by.get(g2.id)?.findings.includes("unmanaged"));
        assert.ok(!by.get(g1.id)?.managed && by.get(g1.id)?.findings.includes("unmanaged"), "the leftover");
        assert.ok(by.get(other.id)?.findings.includes("unmanaged"));
        assert.match(renderTable(entries), /esc rotator \(ci-bot\)/);
    });
});

describe("isc-pat rotator's URLs (SECURITY.md: https only, plain http on loopback)", () => {
    const run = (...urls: string[]) =>
        spawnSync(
            process.execPath,
            [
                join(__dirname, "..", "..", "provider", "bin.js"),
                "rotator",
                "--plain-http-behind-proxy",
                "--port",
                "0",
                ...urls,
            ],
            {
                encoding: "utf8",
                env: {
                    PATH: process.env.PATH,
                    SAIL_BASE_URL: "http://127.0.0.1:9",
                    SAIL_CLIENT_ID: "id",
                    SAIL_CLIENT_SECRET: "rotator-url-test-0a1b2c3d",
                },
                timeout: 20_000,
            },
        );

    it("refuses a --jwks-url over plain http to another host, and a --public-url over http at all", () => {
        const jwks = run(
            "--public-url",
            "https://rotator.example/isc-pat",
            "--jwks-url",
            "http://keys.example/jwks",
        );
        assert.equal(jwks.status, 2, jwks.stderr);
        assert.match(
            jwks.stderr,
            /--jwks-url must be an https:\/\/ URL \(http:\/\/ only on a loopback host\)/,
        );
        const pub = run("--public-url", "http://127.0.0.1/isc-pat");
        assert.equal(pub.status, 2, pub.stderr);
        assert.match(pub.stderr, /--public-url must be an https:\/\/ URL/);
    });
});

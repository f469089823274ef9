// The proof of authorship after a lost create, and the server-clock bound it rests on: pure.
import assert from "node:assert/strict";
import type { CreateTokenRequest, TokenRecord } from "../../wire/api-types";
import { judgeSameNamed } from "../../provider/rules/lost-create";
import { ServerClock, serverOffsetLowerBound } from "../../provider/isc-client/server-clock";

const START = Date.parse("2030-03-01T10:00:00Z");

function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
    return {
        id: "a".repeat(32),
        name: "ci",
        scope: null,
        owner: { type: "IDENTITY", id: "b".repeat(32), name: "API Client" },
        created: new Date(START + 500).toISOString(),
        lastUsed: null,
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: "2030-04-01T00:00:00Z",
        userAwareTokenNeverExpires: false,
        ...overrides,
    };
}

const REQUEST: CreateTokenRequest = { name: "ci", expirationDate: "2030-04-01T00:00:00.000Z" };

describe("lost create: proof of authorship", () => {
    it("a token of the name, made since the attempt began, with the asked-for fields, is ours", () => {
        const [judged] = judgeSameNamed([token(), token({ name: "other" })], REQUEST, "v2025", START);
        assert.equal(judged.ours, true);
        assert.equal(judgeSameNamed([token({ name: "other" })], REQUEST, "v2025", START).length, 0);
    });

    it("made before the attempt, by the server's clock: foreign", () => {
        const [judged] = judgeSameNamed(
            [token({ created: new Date(START - 1).toISOString() })],
            REQUEST,
            "v2025",
            START,
        );
        assert.equal(judged.ours, false);
        assert.match(
            judged.reason,
            /created before this create began \(at or after 2030-03-01T10:00:00.000Z/,
        );
    });

    it("listed before the attempt: foreign, whatever its created says (the Date header counts whole seconds)", () => {
        // Made after the attempt began by the server's clock, with every field asked for: only the
        // list taken before the POST tells it from ours.
        const early = token({ created: new Date(START + 1).toISOString() });
        const [judged] = judgeSameNamed([early], REQUEST, "v2025", START, new Set([early.id]));
        assert.equal(judged.ours, false);
        assert.match(judged.reason, /the owner's list held it before this create sent its request/);
        const [other] = judgeSameNamed([early], REQUEST, "v2025", START, new Set(["c".repeat(32)]));
        assert.equal(other.ours, true, "another id listed before does not make it foreign");
    });

    it("fields other than asked for: foreign, naming them", () => {
        const cases: [Partial<TokenRecord>, string][] = [
            [{ scope: ["sp:scopes:default"] }, "scope"],
            [{ accessTokenValiditySeconds: 60 }, "accessTokenValiditySeconds"],
            [{ expirationDate: "2030-05-01T00:00:00Z" }, "expirationDate"],
            [{ expirationDate: null }, "expirationDate"],
        ];
        for (const [overrides, field] of cases) {
            const [judged] = judgeSameNamed([token(overrides)], REQUEST, "v2025", START);
            assert.equal(judged.ours, false, field);
            assert.match(judged.reason, new RegExp(`its ${field} differ`));
        }
        // The same scope in another order, the default scope spelled out, another spelling of the instant.
        const same = token({ scope: ["sp:scopes:all"], expirationDate: "2030-04-01T01:00:00+01:00" });
        assert.equal(judgeSameNamed([same], REQUEST, "v2025", START)[0].ours, true);
        // Omitted on v3, the API picks the date: not compared.
        assert.equal(judgeSameNamed([token()], { name: "ci" }, "v3", START)[0].ours, true);
        // Omitted on v2025: it never expires.
        assert.equal(judgeSameNamed([token()], { name: "ci" }, "v2025", START)[0].ours, false);
    });

    it("used or platform-managed: foreign", () => {
        const used = judgeSameNamed(
            [token({ lastUsed: new Date(START + 900).toISOString() })],
            REQUEST,
            "v2025",
            START,
        );
        assert.match(used[0].reason, /it has been used/);
        assert.equal(judgeSameNamed([token({ managed: true })], REQUEST, "v2025", START)[0].ours, false);
    });

    it("without a reading of the server's clock, or with an unreadable created, nothing is proven", () => {
        assert.equal(judgeSameNamed([token()], REQUEST, "v2025", undefined)[0].ours, false);
        assert.equal(
            judgeSameNamed([token({ created: "yesterday" })], REQUEST, "v2025", START)[0].ours,
            false,
        );
    });
});

describe("server clock from Date headers", () => {
    it("bounds the offset from below, whatever the client's clock says", () => {
        // The server is 5 minutes behind; its header is truncated to the second.
        const local = Date.parse("2030-03-01T10:05:00.700Z");
        const reading = { date: "Fri, 01 Mar 2030 10:00:00 GMT", receivedAtMs: local };
        assert.equal(serverOffsetLowerBound(reading), -300_700);
        assert.equal(serverOffsetLowerBound({ date: "garbage", receivedAtMs: local }), undefined);
        assert.equal(serverOffsetLowerBound(undefined), undefined);

        const clock = new ServerClock();
        assert.equal(clock.serverTimeAtLeast(local), undefined);
        clock.observe(undefined, local);
        clock.observe("not a date", local);
        assert.equal(clock.serverTimeAtLeast(local), undefined);
        clock.observe(["Fri, 01 Mar 2030 10:00:00 GMT"], local);
        assert.equal(clock.serverTimeAtLeast(local + 1_000), Date.parse("2030-03-01T10:00:01.000Z"));
    });
});

// The inventory's pure decisions: classification at a given `now`, the gate, the state join, and the
// emitted adopting declarations.
import assert from "node:assert/strict";
import type { TokenRecord } from "../../wire/api-types";
import { adoptable, adoptingArgs, emitProgram } from "../../provider/audit/emit";
import {
    classify,
    gate,
    notes,
    renderMarkdown,
    renderTable,
    staleFilters,
    stateRefs,
} from "../../provider/audit/inventory";
import { PERSONAL_ACCESS_TOKEN_TYPE as TOKEN_TYPE } from "../../provider/rules/types";

const NOW = new Date("2030-03-01T00:00:00Z");
const ME = { type: "IDENTITY" as const, id: "me-id", name: "CI Client" };
const BOB = { type: "IDENTITY" as const, id: "bob-id", name: "Bob" };

function token(id: string, extra: Partial<TokenRecord> = {}): TokenRecord {
    return {
        id,
        name: id,
        scope: ["sp:scopes:default"],
        owner: ME,
        created: "2029-01-01T00:00:00Z",
        lastUsed: "2030-02-27T00:00:00Z",
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: "2030-12-01T00:00:00Z",
        userAwareTokenNeverExpires: false,
        ...extra,
    };
}

const tokens = [
    token("managed"),
    token("stale", { lastUsed: "2029-10-01T00:00:00Z" }),
    token("never-used", { lastUsed: null, scope: null }),
    token("expired", { expirationDate: "2030-02-01T00:00:00Z" }),
    token("soon", { expirationDate: "2030-03-10T00:00:00Z", owner: BOB }),
    token("forever", { expirationDate: null, userAwareTokenNeverExpires: true, scope: ["sp:scopes:all"] }),
    token("workflow", { managed: true }),
];
const exported = {
    deployment: {
        resources: [
            { type: "pulumi:pulumi:Stack", urn: "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod" },
            { type: TOKEN_TYPE, id: "managed", urn: `urn:pulumi:prod::p::${TOKEN_TYPE}::ci`, outputs: {} },
        ],
    },
};

describe("inventory (pure)", () => {
    const refs = stateRefs(exported);
    const entries = classify(tokens, refs, NOW, { expiringDays: 30, unusedDays: 90 });
    const findings = Object.fromEntries(entries.map((e) => [e.id, e.findings]));

    it("joins with the state: stack and URN from the export", () => {
        assert.deepEqual(refs, [
            { id: "managed", stack: "prod", urn: `urn:pulumi:prod::p::${TOKEN_TYPE}::ci`, adopted: false },
        ]);
        const managed = entries.find((e) => e.id === "managed");
        assert.equal(managed?.managed, true);
        assert.equal(managed?.stack, "prod");
        assert.deepEqual(managed?.findings, []);
    });

    it("classifies at the given now", () => {
        assert.deepEqual(findings.stale, ["unmanaged", "unused"]);
        assert.deepEqual(findings["never-used"], ["unmanaged", "all-scopes", "never-used"]);
        assert.deepEqual(findings.expired, ["unmanaged", "expired"]);
        assert.deepEqual(findings.soon, ["unmanaged", "expiring"]);
        assert.deepEqual(findings.forever, ["unmanaged", "never-expires", "all-scopes"]);
        assert.equal(entries.find((e) => e.id === "workflow")?.platformManaged, true);
        // Years later everything with a date has expired: the decision follows `now`, not the clock.
        const later = classify(tokens, refs, new Date("2040-01-01T00:00:00Z"), {
            expiringDays: 30,
            unusedDays: 90,
        });
        assert.ok(
            later.filter((e) => e.expirationDate !== null).every((e) => e.findings.includes("expired")),
        );
    });

    it("gates on thresholds", () => {
        assert.deepEqual(gate(entries, {}), []);
        assert.deepEqual(gate(entries, { expired: 0 }), ["1 token(s) expired (at most 0 allowed)"]);
        assert.deepEqual(gate(entries, { "never-used": 1, unmanaged: 6 }), []);
        assert.equal(gate(entries, { unmanaged: 5 }).length, 1);
    });

    it("uses the API's filters for stale tokens", () => {
        assert.deepEqual(staleFilters(NOW, 90), ["lastUsed le 2029-12-01T00:00:00.000Z", "lastUsed isnull"]);
    });

    it("renders a table and markdown without control characters; suggests deleting expired tokens", () => {
        const odd = classify([token("x", { name: "evil\u001b[31mred" })], [], NOW, {
            expiringDays: 30,
            unusedDays: 90,
        });
        assert.doesNotMatch(renderTable(odd), /\u001b/);
        assert.match(renderMarkdown(entries), /^\| id \| name \| owner \| managed by/);
        assert.deepEqual(notes(entries), [
            'token expired ("expired") expired on 2030-02-01T00:00:00Z: not emitted; delete it',
        ]);
    });

    it("emits only the caller's unmanaged, unexpired, non-platform tokens, in the adopting form", () => {
        const chosen = adoptable(tokens, new Set(["managed"]), ME.id, NOW).map((t) => t.id);
        assert.deepEqual(chosen, ["stale", "never-used", "forever"]);
        assert.deepEqual(adoptingArgs(tokens[5], "v2025"), {
            name: "forever",
            adoptTokenId: "forever",
            apiVersion: "v2025",
            scope: ["sp:scopes:all"],
            userAwareTokenNeverExpires: true,
        });
        assert.deepEqual(adoptingArgs(token("v", { accessTokenValiditySeconds: 600 }), "v3"), {
            name: "v",
            adoptTokenId: "v",
            apiVersion: "v3",
            scope: ["sp:scopes:default"],
            accessTokenValiditySeconds: 600,
        });
        const program = emitProgram([tokens[1]], "v1", NOW);
        assert.match(program, /import \{ PersonalAccessToken \} from "@isc-pat\/pulumi-sailpoint-pat";/);
        assert.match(
            program,
            /new PersonalAccessToken\("adopted-stale", \{\n {8}"name": "stale",\n {8}"adoptTokenId": "stale"/,
        );
    });
});

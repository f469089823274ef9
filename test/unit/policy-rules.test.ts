// The token-hygiene decisions (policy/rules.ts, policy/stack-rules.ts) as pure functions: tables of
// tokens with `now` as an argument, and properties: a value unknown at preview never makes a
// violation, and nothing throws on any input.
import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULTS } from "../../policy/config";
import * as rules from "../../policy/rules";
import * as stackRules from "../../policy/stack-rules";
import { UNKNOWN_VALUE } from "../../policy/values";
import { INPUT_NAMES, OUTPUT_ONLY_NAMES, UNKNOWN as U } from "../../provider/rules/types";
import { inDays } from "../support/harness";
import { API_VERSIONS, LEGACY_VERSIONS } from "../../provider/rules/versions";

const NOW = new Date();
/** Every property a token has, inputs and outputs: a new one is covered without editing this file. */
const ALL_NAMES = [...INPUT_NAMES, ...OUTPUT_ONLY_NAMES] as readonly string[];

const token = (props: Record<string, unknown>) => ({
    resource: "ci",
    props: { name: "ci", apiVersion: "v1", ...props },
});

describe("policy: maximum lifetime", () => {
    const decide = (props: Record<string, unknown>, config = DEFAULTS.maximumLifetime) =>
        rules.maximumLifetime(token(props), config, NOW);

    it("accepts an expirationDate or rotation within the limit", () => {
        assert.equal(decide({ expirationDate: inDays(89, NOW) }), undefined);
        assert.equal(decide({ expirationDate: inDays(90, NOW) }), undefined);
        assert.equal(decide({ rotation: { expiresInDays: 90, rotateBeforeDays: 14 } }), undefined);
    });
    it("refuses an expirationDate beyond it, naming the token, the date and the fix", () => {
        const message = decide({ expirationDate: inDays(120, NOW) });
        assert.match(
            message ?? "",
            /^PersonalAccessToken "ci": expires on .*, 120 days from now, more than the 90 days allowed; set expirationDate to .* or earlier, or declare rotation/,
        );
    });
    it("refuses rotation.expiresInDays beyond it", () => {
        assert.match(
            decide({ rotation: { expiresInDays: 180, rotateBeforeDays: 14 } }) ?? "",
            /rotation.expiresInDays is 180, more than the 90 days allowed; set rotation.expiresInDays to 90 or fewer/,
        );
    });
    it("refuses a never-expiring token unless allowNeverExpires", () => {
        for (const version of ["v1", "v2025", "v2026"]) {
            assert.match(
                decide({ apiVersion: version, userAwareTokenNeverExpires: true }) ?? "",
                /never expires.*allowNeverExpires: true/,
            );
            assert.equal(
                decide(
                    { apiVersion: version, expirationDate: null },
                    { maximumDays: 90, allowNeverExpires: true },
                ),
                undefined,
            );
        }
    });
    it("an absent apiVersion is v1, as check stores it: a never-expiring token is refused", () => {
        const props = { name: "ci", userAwareTokenNeverExpires: true };
        assert.match(
            rules.maximumLifetime({ resource: "ci", props }, DEFAULTS.maximumLifetime, NOW) ?? "",
            /never expires \(no expirationDate on apiVersion v1\)/,
        );
    });
    it("on beta/v3/v2024 an omitted expirationDate means 6 months, refused under a shorter limit", () => {
        for (const version of LEGACY_VERSIONS) {
            assert.match(
                decide({ apiVersion: version }) ?? "",
                /expires 6 months after creation, more than the 90 days allowed/,
            );
            assert.equal(
                decide({ apiVersion: version }, { maximumDays: 200, allowNeverExpires: false }),
                undefined,
            );
        }
    });
    it("config changes the verdict", () => {
        assert.notEqual(decide({ expirationDate: inDays(120, NOW) }), undefined);
        assert.equal(
            decide({ expirationDate: inDays(120, NOW) }, { maximumDays: 180, allowNeverExpires: false }),
            undefined,
        );
    });
    it("unknowns make no violation", () => {
        assert.equal(decide({ expirationDate: U }), undefined);
        assert.equal(decide({ rotation: U }), undefined);
        assert.equal(decide({ rotation: { expiresInDays: U, rotateBeforeDays: 1 } }), undefined);
        assert.equal(decide({ apiVersion: U }), undefined);
        assert.equal(decide({ apiVersion: UNKNOWN_VALUE }), undefined);
    });
});

describe("policy: least privilege", () => {
    const decide = (
        props: Record<string, unknown>,
        config: typeof DEFAULTS.leastPrivilege = DEFAULTS.leastPrivilege,
    ) => rules.leastPrivilege(token(props), config);

    it("refuses sp:scopes:all, also when scope is omitted or null", () => {
        assert.match(
            decide({}) ?? "",
            /declares no scope, which means sp:scopes:all.*scope: \["sp:scopes:default"\]/,
        );
        assert.match(decide({ scope: null }) ?? "", /declares no scope/);
        assert.match(
            decide({ scope: ["sp:scopes:default", "sp:scopes:all"] }) ?? "",
            /has scope sp:scopes:all/,
        );
    });
    it("accepts named scopes, and sp:scopes:all when allowed", () => {
        assert.equal(decide({ scope: ["sp:scopes:default"] }), undefined);
        assert.equal(decide({ scope: null }, { allowScopesAll: true }), undefined);
        assert.equal(decide({ scope: ["sp:scopes:all"] }, { allowScopesAll: true }), undefined);
    });
    it("with an allow-list, refuses the scopes outside it", () => {
        const config = { allowScopesAll: false, allowedScopes: ["sp:scopes:default", "idn:sources:read"] };
        assert.equal(decide({ scope: ["idn:sources:read"] }, config), undefined);
        assert.match(
            decide({ scope: ["idn:sources:read", "idn:sources:manage"] }, config) ?? "",
            /outside the allowed list \(idn:sources:manage\)/,
        );
    });
    it("unknowns make no violation", () => {
        assert.equal(decide({ scope: U }), undefined);
        assert.equal(decide({ scope: [U] }, { allowScopesAll: false, allowedScopes: ["x"] }), undefined);
    });
});

describe("policy: rotation required, minted bearer lifetime, naming", () => {
    it("rotation required", () => {
        assert.match(rules.rotationRequired(token({})) ?? "", /declares no rotation; add rotation/);
        assert.equal(
            rules.rotationRequired(token({ rotation: { expiresInDays: 30, rotateBeforeDays: 7 } })),
            undefined,
        );
        assert.equal(rules.rotationRequired(token({ rotation: U })), undefined);
    });
    it("minted bearer lifetime: omitted means 43200", () => {
        const config = DEFAULTS.mintedBearerLifetime;
        assert.match(
            rules.mintedBearerLifetime(token({}), config) ?? "",
            /declares no accessTokenValiditySeconds \(default 43200\).*3600 seconds/,
        );
        assert.match(
            rules.mintedBearerLifetime(token({ accessTokenValiditySeconds: 7200 }), config) ?? "",
            /has accessTokenValiditySeconds 7200/,
        );
        assert.equal(
            rules.mintedBearerLifetime(token({ accessTokenValiditySeconds: 3600 }), config),
            undefined,
        );
        assert.equal(
            rules.mintedBearerLifetime(token({ accessTokenValiditySeconds: 7200 }), { maximumSeconds: 7200 }),
            undefined,
        );
        assert.equal(rules.mintedBearerLifetime(token({ accessTokenValiditySeconds: U }), config), undefined);
    });
    it("naming", () => {
        assert.equal(rules.naming(token({ name: "ci-deploy" }), DEFAULTS.naming), undefined);
        assert.match(
            rules.naming(token({ name: "CI Deploy" }), DEFAULTS.naming) ?? "",
            /name "CI Deploy" does not match the required pattern/,
        );
        assert.equal(rules.naming(token({ name: "CI Deploy" }), { pattern: "^CI " }), undefined);
        assert.equal(rules.naming(token({ name: U }), DEFAULTS.naming), undefined);
        assert.match(
            rules.naming(token({ name: "x" }), { pattern: "(" }) ?? "",
            /not a valid regular expression/,
        );
    });
    it("names the resource and, when it differs, the token name", () => {
        assert.match(
            rules.rotationRequired({ resource: "ci", props: { name: "ci-deploy" } }) ?? "",
            /^PersonalAccessToken "ci" \(name "ci-deploy"\)/,
        );
    });
});

describe("policy messages: control characters are escaped", () => {
    const RED = "\u001b[31mred\u001b[0m";
    // C0/C1 controls (ANSI escapes), line separators and bidi overrides: what printable() escapes.
    const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

    it("a token name or resource name with an ANSI escape is shown escaped", () => {
        const message = rules.naming({ resource: RED, props: { name: `x${RED}` } }, DEFAULTS.naming) ?? "";
        assert.match(message, /does not match/);
        assert.doesNotMatch(message, CONTROL);
        assert.ok(message.includes("\\u001b[31mred\\u001b[0m"), message);
        const labelled = rules.rotationRequired({ resource: "ci", props: { name: RED } }) ?? "";
        assert.match(labelled, /^PersonalAccessToken "ci" \(name "\\u001b\[31mred\\u001b\[0m"\)/);
        assert.doesNotMatch(
            rules.naming({ resource: "t", props: { name: "x" } }, { pattern: `(${RED}` }) ?? "",
            CONTROL,
        );
        // Dates are read strictly (RFC 3339 only): one carrying a control character is no date, so no
        // message shows it (a lenient reading took "\u001b2000-01-01" and had to escape it).
        const created = "\u001b2000-01-01";
        const stale = stackRules.neverUsed(
            { resource: "t", props: { created, lastUsed: null } },
            { days: 1 },
            NOW,
        );
        assert.equal(stale, undefined);
        const strict = stackRules.neverUsed(
            { resource: "t", props: { created: "2000-01-01T00:00:00Z", lastUsed: null } },
            { days: 1 },
            NOW,
        );
        assert.match(strict ?? "", /created on 2000-01-01T00:00:00Z/);
    });
    it("no decision's message carries a control character, whatever the values", () => {
        const hostile = fc.oneof(fc.string({ unit: "binary" }), fc.constant(RED));
        fc.assert(
            fc.property(
                hostile,
                fc.record({
                    name: hostile,
                    scope: fc.array(fc.oneof(hostile, fc.constant("sp:scopes:all"))),
                    expirationDate: fc.oneof(hostile, fc.constant(`${inDays(400, NOW)}${RED}`)),
                    created: hostile,
                    lastUsed: hostile,
                    rotationDueAt: hostile,
                }),
                (resource, props) => {
                    for (const [name, decide] of DECISIONS) {
                        const message = decide(props, NOW)?.replace(/^PersonalAccessToken "t"/, "") ?? "";
                        assert.doesNotMatch(message, CONTROL, name);
                    }
                    assert.doesNotMatch(rules.rotationRequired({ resource, props }) ?? "", CONTROL);
                },
            ),
            { numRuns: 300 },
        );
    });
});

describe("policy: stack advisories from the state's outputs", () => {
    const state = (props: Record<string, unknown>) =>
        token({ created: inDays(-200, NOW), lastUsed: null, ...props });

    it("unused for more than N days", () => {
        assert.match(
            stackRules.unused(state({ lastUsed: inDays(-100, NOW) }), { days: 90 }, NOW) ?? "",
            /last used on .*, 100 days ago \(limit: 90 days\)/,
        );
        assert.equal(stackRules.unused(state({ lastUsed: inDays(-10, NOW) }), { days: 90 }, NOW), undefined);
        assert.equal(stackRules.unused(state({ lastUsed: null }), { days: 90 }, NOW), undefined);
    });
    it("never used after N days", () => {
        assert.match(
            stackRules.neverUsed(state({}), { days: 30 }, NOW) ?? "",
            /created on .*, 200 days ago, and never used \(limit: 30 days\)/,
        );
        assert.equal(stackRules.neverUsed(state({ created: inDays(-3, NOW) }), { days: 30 }, NOW), undefined);
        assert.equal(
            stackRules.neverUsed(state({ lastUsed: inDays(-1, NOW) }), { days: 30 }, NOW),
            undefined,
        );
        // The state stores lastUsed only once used: absent is never used (a state written before says null).
        assert.match(
            stackRules.neverUsed(state({ lastUsed: undefined }), { days: 30 }, NOW) ?? "",
            /200 days ago, and never used/,
        );
        assert.equal(
            stackRules.neverUsed(state({ lastUsed: UNKNOWN_VALUE }), { days: 30 }, NOW),
            undefined,
            "not known yet (preview)",
        );
        assert.equal(
            stackRules.neverUsed(state({ created: undefined, lastUsed: undefined }), { days: 30 }, NOW),
            undefined,
            "not made yet",
        );
    });
    it("expiring within N days without rotation, or expired", () => {
        const config = { days: 14 };
        assert.match(
            stackRules.expiringWithoutRotation(state({ expirationDate: inDays(10, NOW) }), config, NOW) ?? "",
            /expires on .*, in 9 days .*has no rotation/,
        );
        assert.match(
            stackRules.expiringWithoutRotation(state({ expirationDate: inDays(-1, NOW) }), config, NOW) ?? "",
            /expired on/,
        );
        assert.equal(
            stackRules.expiringWithoutRotation(state({ expirationDate: inDays(30, NOW) }), config, NOW),
            undefined,
        );
        assert.equal(
            stackRules.expiringWithoutRotation(state({ expirationDate: null }), config, NOW),
            undefined,
        );
        assert.equal(
            stackRules.expiringWithoutRotation(
                state({
                    expirationDate: inDays(10, NOW),
                    rotation: { expiresInDays: 30, rotateBeforeDays: 12 },
                }),
                config,
                NOW,
            ),
            undefined,
        );
    });
    it("rotation overdue", () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
        assert.match(
            stackRules.rotationOverdue(
                state({ rotation, rotationDueAt: inDays(-3, NOW) }),
                { days: 0 },
                NOW,
            ) ?? "",
            /rotation was due on .*, 3 days ago.*run pulumi up/,
        );
        assert.equal(
            stackRules.rotationOverdue(state({ rotation, rotationDueAt: inDays(-3, NOW) }), { days: 5 }, NOW),
            undefined,
        );
        assert.equal(
            stackRules.rotationOverdue(state({ rotation, rotationDueAt: inDays(3, NOW) }), { days: 0 }, NOW),
            undefined,
        );
        assert.equal(
            stackRules.rotationOverdue(state({ rotation, rotationDueAt: U }), { days: 0 }, NOW),
            undefined,
        );
    });
});

describe("policy: a rotation with overlap", () => {
    it("a generation just rotated with overlapDays, its previous one in the outputs, makes no violation", () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 };
        const props = {
            scope: ["sp:scopes:default"],
            accessTokenValiditySeconds: 3600,
            rotation,
            created: NOW.toISOString(),
            lastUsed: null,
            expirationDate: inDays(30, NOW),
            rotationDueAt: inDays(23, NOW),
            // The outgoing token ends in 3 days: no rule reads it as this token's expiry.
            previousGeneration: { id: "outgoing", tokenName: "ci-1", worksUntil: inDays(3, NOW) },
        };
        const facts = token(props);
        assert.deepEqual(
            [
                rules.maximumLifetime(facts, DEFAULTS.maximumLifetime, NOW),
                rules.leastPrivilege(facts, DEFAULTS.leastPrivilege),
                rules.rotationRequired(facts),
                rules.mintedBearerLifetime(facts, DEFAULTS.mintedBearerLifetime),
                rules.naming(facts, DEFAULTS.naming),
                stackRules.unused(facts, DEFAULTS.unused, NOW),
                stackRules.neverUsed(facts, DEFAULTS.neverUsed, NOW),
                stackRules.expiringWithoutRotation(facts, DEFAULTS.expiringWithoutRotation, NOW),
                stackRules.rotationOverdue(facts, DEFAULTS.rotationOverdue, NOW),
            ].filter((v) => v !== undefined),
            [],
        );
    });
});

// Every decision, with a config that makes it as strict as it gets.
const DECISIONS: [string, (props: Record<string, unknown>, now: Date) => string | undefined][] = [
    [
        "maximumLifetime",
        (p, now) =>
            rules.maximumLifetime(
                { resource: "t", props: p },
                { maximumDays: 1, allowNeverExpires: false },
                now,
            ),
    ],
    [
        "leastPrivilege",
        (p) =>
            rules.leastPrivilege(
                { resource: "t", props: p },
                { allowScopesAll: false, allowedScopes: ["a"] },
            ),
    ],
    ["rotationRequired", (p) => rules.rotationRequired({ resource: "t", props: p })],
    [
        "mintedBearerLifetime",
        (p) => rules.mintedBearerLifetime({ resource: "t", props: p }, { maximumSeconds: 15 }),
    ],
    ["naming", (p) => rules.naming({ resource: "t", props: p }, { pattern: "^z$" })],
    ["unused", (p, now) => stackRules.unused({ resource: "t", props: p }, { days: 0 }, now)],
    ["neverUsed", (p, now) => stackRules.neverUsed({ resource: "t", props: p }, { days: 0 }, now)],
    [
        "expiringWithoutRotation",
        (p, now) => stackRules.expiringWithoutRotation({ resource: "t", props: p }, { days: 400 }, now),
    ],
    [
        "rotationOverdue",
        (p, now) => stackRules.rotationOverdue({ resource: "t", props: p }, { days: 0 }, now),
    ],
];

describe("policy decisions: properties", () => {
    const instant = fc.integer({ min: -400, max: 400 }).map((d) => inDays(d, NOW));
    const props = fc.record(
        {
            name: fc.oneof(fc.constantFrom("ci", "Bad Name", "z"), fc.string()),
            scope: fc.oneof(
                fc.constant(null),
                fc.array(fc.constantFrom("a", "sp:scopes:all", "sp:scopes:default")),
            ),
            expirationDate: fc.oneof(fc.constant(null), instant, fc.string()),
            userAwareTokenNeverExpires: fc.oneof(fc.constant(null), fc.boolean()),
            accessTokenValiditySeconds: fc.oneof(fc.constant(null), fc.integer({ min: 15, max: 43200 })),
            apiVersion: fc.constantFrom(...API_VERSIONS, "v9"),
            rotation: fc.record({
                expiresInDays: fc.integer({ min: 1, max: 400 }),
                rotateBeforeDays: fc.integer({ min: 0, max: 30 }),
            }),
            created: instant,
            lastUsed: fc.oneof(fc.constant(null), instant),
            rotationDueAt: fc.oneof(fc.constant(null), instant),
        },
        { requiredKeys: [] },
    );
    // Replace a random subset of (possibly nested) values with the engine's placeholder.
    const mask = (value: unknown, bits: boolean[], i = { n: 0 }): unknown => {
        const hide = bits[i.n++ % bits.length];
        if (hide) return U;
        if (Array.isArray(value)) return value.map((v) => mask(v, bits, i));
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, bits, i)]));
        }
        return value;
    };

    it("an unknown value never makes a violation that the known value would not", () => {
        fc.assert(
            fc.property(props, fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (p, bits) => {
                const masked = mask(p, [false, ...bits]) as Record<string, unknown>;
                for (const [name, decide] of DECISIONS) {
                    if (decide(masked, NOW) !== undefined) {
                        assert.notEqual(
                            decide(p, NOW),
                            undefined,
                            `${name} flagged ${JSON.stringify(masked)} only because of an unknown`,
                        );
                    }
                }
            }),
            { numRuns: 500 },
        );
    });
    it("a token whose properties are all unknown is never flagged", () => {
        const masked = Object.fromEntries(ALL_NAMES.map((k) => [k, U]));
        for (const [name, decide] of DECISIONS) assert.equal(decide(masked, NOW), undefined, name);
    });
    it("nothing throws on hostile values", () => {
        fc.assert(
            fc.property(
                fc.dictionary(fc.constantFrom(...ALL_NAMES), fc.anything()),
                fc.date({ noInvalidDate: true }),
                (p, now) => {
                    for (const [, decide] of DECISIONS) decide(p, now);
                },
            ),
        );
    });
});

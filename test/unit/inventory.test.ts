// The inventory's pure decisions: classification at a given `now`, the gate, the state join, and the
// emitted adopting declarations.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS } from "../../policy/config";
import * as stackRules from "../../policy/stack-rules";
import { AUDIT_DEFAULTS } from "../../policy/thresholds";
import type { TokenRecord } from "../../wire/api-types";
import { adoptable, adoptingArgs, emitProgram } from "../../provider/audit/emit";
import {
    classify,
    gate,
    notes,
    renderJson,
    renderMarkdown,
    renderTable,
    staleFilters,
    StateFileError,
    stateRefs,
} from "../../provider/audit/inventory";
import { main } from "../../provider/audit/audit-cli";
import { parseTokenRecord } from "../../provider/isc-client/records";
import {
    NATIVE_PERSONAL_ACCESS_TOKEN_TYPE as NATIVE_TOKEN_TYPE,
    PERSONAL_ACCESS_TOKEN_TYPE as TOKEN_TYPE,
} from "../../provider/rules/types";
import { DAY } from "../support/time";

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
    const entries = classify(tokens, refs, NOW, AUDIT_DEFAULTS);
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

    it("joins the native plugin's tokens (iscpat:index:PersonalAccessToken) as it joins the dynamic resource's", () => {
        const native = `urn:pulumi:yaml::p::${NATIVE_TOKEN_TYPE}::ci`;
        const both = stateRefs({
            deployment: {
                resources: [
                    ...exported.deployment.resources,
                    { type: NATIVE_TOKEN_TYPE, id: "stale", urn: native, outputs: { adoptTokenId: "stale" } },
                    {
                        type: "pulumi:providers:iscpat",
                        id: "p1",
                        urn: "urn:pulumi:yaml::p::pulumi:providers:iscpat::prod",
                    },
                ],
            },
        });
        assert.deepEqual(
            both.map((r) => [r.id, r.stack, r.adopted]),
            [
                ["managed", "prod", false],
                ["stale", "yaml", true],
            ],
        );
        const entry = classify(tokens, both, NOW, AUDIT_DEFAULTS).find((e) => e.id === "stale");
        assert.equal(entry?.managed, true);
        assert.equal(entry?.stack, "yaml");
    });

    it("counts a rotation's previous generation, in its overlap, as the resource's: not unmanaged", () => {
        const urn = `urn:pulumi:prod::p::${TOKEN_TYPE}::ci`;
        const previousGeneration = {
            id: "outgoing",
            tokenName: "ci-1",
            worksUntil: "2030-03-03T00:00:00.000Z",
        };
        const withOverlap = {
            deployment: {
                resources: [{ type: TOKEN_TYPE, id: "current", urn, outputs: { previousGeneration } }],
            },
        };
        const joined = stateRefs(withOverlap);
        assert.deepEqual(joined, [
            { id: "current", stack: "prod", urn, adopted: false },
            { id: "outgoing", stack: "prod", urn, adopted: false, previousGeneration: true },
        ]);
        const listed = [token("current"), token("outgoing", { expirationDate: "2030-03-03T00:00:00Z" })];
        const [current, outgoing] = classify(listed, joined, NOW, AUDIT_DEFAULTS);
        assert.deepEqual([current.managed, current.previousGeneration], [true, undefined]);
        assert.deepEqual([outgoing.managed, outgoing.previousGeneration, outgoing.urn], [true, true, urn]);
        assert.ok(!outgoing.findings.includes("unmanaged"));
        assert.match(renderTable([outgoing]), /prod \(previous generation\)/);
        assert.deepEqual(gate([current, outgoing], { unmanaged: 0 }), []);
        assert.deepEqual(
            adoptable(listed, new Set(joined.map((r) => r.id)), ME.id, NOW),
            [],
            "never emitted for adoption",
        );
    });

    it("classifies at the given now", () => {
        assert.deepEqual(findings.stale, ["unmanaged", "unused"]);
        assert.deepEqual(findings["never-used"], ["unmanaged", "all-scopes", "never-used"]);
        assert.deepEqual(findings.expired, ["unmanaged", "expired"]);
        assert.deepEqual(findings.soon, ["unmanaged", "expiring"]);
        assert.deepEqual(findings.forever, ["unmanaged", "never-expires", "all-scopes"]);
        assert.equal(entries.find((e) => e.id === "workflow")?.platformManaged, true);
        // Years later everything with a date has expired: the decision follows `now`, not the clock.
        const later = classify(tokens, refs, new Date("2040-01-01T00:00:00Z"), AUDIT_DEFAULTS);
        assert.ok(
            later.filter((e) => e.expirationDate !== null).every((e) => e.findings.includes("expired")),
        );
    });

    it("a token made today is not never-used; one made 40 days ago and never used is, as in the pack", () => {
        for (const [ageDays, expected] of [
            [0, false],
            [1 / 24, false],
            [30, false],
            [30.01, true],
            [40, true],
        ] as const) {
            const created = new Date(NOW.getTime() - ageDays * DAY).toISOString();
            const [entry] = classify([token("t", { created, lastUsed: null })], [], NOW, AUDIT_DEFAULTS);
            assert.equal(entry.findings.includes("never-used"), expected, `made ${ageDays} days ago`);
            const facts = { resource: "t", props: { name: "t", created, lastUsed: null } };
            const pack = stackRules.neverUsed(facts, DEFAULTS.neverUsed, NOW) !== undefined;
            assert.equal(pack, expected, `the pack, made ${ageDays} days ago`);
        }
    });

    it("flags unused and expiring exactly where the pack's rules do, at the pack's defaults", () => {
        for (let hours = 0; hours <= 100 * 24; hours += 7) {
            const at = (sign: number) => new Date(NOW.getTime() + sign * hours * 3_600_000).toISOString();
            const used = token("u", { lastUsed: at(-1) });
            const expiring = token("e", { expirationDate: at(1) });
            const [u, e] = classify([used, expiring], [], NOW, AUDIT_DEFAULTS);
            const facts = (props: Record<string, unknown>) => ({
                resource: "t",
                props: { name: "t", ...props },
            });
            assert.equal(
                u.findings.includes("unused"),
                stackRules.unused(facts({ lastUsed: used.lastUsed }), DEFAULTS.unused, NOW) !== undefined,
                `last used ${hours} hours ago`,
            );
            const packExpiring =
                stackRules.expiringWithoutRotation(
                    facts({ expirationDate: expiring.expirationDate }),
                    DEFAULTS.expiringWithoutRotation,
                    NOW,
                ) !== undefined;
            assert.equal(e.findings.includes("expiring") || e.findings.includes("expired"), packExpiring);
        }
        assert.deepEqual(AUDIT_DEFAULTS, {
            expiringDays: DEFAULTS.expiringWithoutRotation.days,
            unusedDays: DEFAULTS.unused.days,
            neverUsedDays: DEFAULTS.neverUsed.days,
        });
    });

    it("isc-pat audit --help states every option's default, the thresholds the pack's", () => {
        const help = execFileSync(
            process.execPath,
            // The package's bin, as `isc-pat audit --help` runs it.
            [join(__dirname, "..", "..", "provider", "bin.js"), "audit", "--help"],
            {
                encoding: "utf8",
            },
        );
        const options = [...new Set([...help.split("\n\n")[0].matchAll(/(--[a-z-]+)/g)].map((m) => m[1]))];
        assert.ok(options.length === 15, options.join(" "));
        for (const option of options)
            assert.match(
                help,
                new RegExp(`^  [^\\n]*${option}\\b[^\\n]*(\\n {20,}[^\\n]*)*\\(default: `, "m"),
                option,
            );
        assert.match(
            help,
            new RegExp(`--expiring-days N .*\\(default: ${DEFAULTS.expiringWithoutRotation.days}\\)`),
        );
        assert.match(help, new RegExp(`--unused-days N .*\\(default: ${DEFAULTS.unused.days}\\)`));
        assert.match(help, new RegExp(`--never-used-days N .*\\(default: ${DEFAULTS.neverUsed.days}\\)`));
    });

    it("isc-pat audit without --stack and without SAIL_* names the variables and --stack, not a stack config", () => {
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SAIL_")));
        const run = spawnSync(
            process.execPath,
            [join(__dirname, "..", "..", "provider", "bin.js"), "audit"],
            {
                encoding: "utf8",
                env,
            },
        );
        assert.equal(run.status, 2, run.stderr);
        assert.match(run.stderr, /missing: SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET/);
        assert.match(run.stderr, /or give --stack NAME/);
        assert.doesNotMatch(run.stderr, /pulumi config set/);
    });

    it("reports every date in the package's one spelling: UTC with milliseconds", () => {
        const odd = token("x", {
            created: "2029-01-01T00:00:00.123456Z",
            lastUsed: "2030-02-27T01:00:00+01:00",
            expirationDate: "2030-12-01T00:00:00Z",
        });
        const [entry] = classify([odd], [], NOW, AUDIT_DEFAULTS);
        assert.equal(entry.created, "2029-01-01T00:00:00.123Z");
        assert.equal(entry.lastUsed, "2030-02-27T00:00:00.000Z");
        assert.equal(entry.expirationDate, "2030-12-01T00:00:00.000Z");
        assert.match(renderTable([entry]), /2030-12-01T00:00:00\.000Z +2030-02-27T00:00:00\.000Z/);
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
        const odd = classify([token("x", { name: "evil\u001b[31mred" })], [], NOW, AUDIT_DEFAULTS);
        assert.doesNotMatch(renderTable(odd), /\u001b/);
        assert.match(renderMarkdown(entries), /^\| id \| name \| owner \| managed by/);
        assert.deepEqual(notes(entries, true), [
            'token expired ("expired") expired on 2030-02-01T00:00:00.000Z: not emitted; delete it',
        ]);
        // Without --emit-program or --emit-import nothing is emitted: the note does not say "not emitted".
        assert.deepEqual(notes(entries, false), [
            'token expired ("expired") expired on 2030-02-01T00:00:00.000Z: delete it',
        ]);
    });

    it("escapes every field shown, in the table, markdown and JSON: C0/C1 controls, ESC sequences, bidi overrides", () => {
        const hostile = "\u001b]0;owned\u0007\u001b[2J\u001b[8mhidden\u009b31m\u202e\u2066\u200f\u200e\u202a";
        const odd = classify(
            [
                token(`id${hostile}`, {
                    name: `n${hostile}`,
                    owner: { type: "IDENTITY", id: "o", name: `o${hostile}` },
                    lastUsed: `2030-01-01T00:00:00Z${hostile}`,
                    expirationDate: `2030-01-01T00:00:00Z${hostile}`,
                }),
            ],
            [{ id: `id${hostile}`, stack: `s${hostile}`, urn: "u", adopted: false }],
            NOW,
            AUDIT_DEFAULTS,
        );
        const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
        for (const [format, text] of [
            ["table", renderTable(odd)],
            ["markdown", renderMarkdown(odd)],
            ["json", renderJson(odd)],
            [
                "notes",
                notes(
                    classify(
                        [token(`x${hostile}`, { expirationDate: "2030-01-01T00:00:00Z" })],
                        [],
                        NOW,
                        AUDIT_DEFAULTS,
                    ),
                    true,
                ).join("\n"),
            ],
        ]) {
            assert.doesNotMatch(text, raw, format);
            assert.match(text, /\\u001b\]0;owned/, `${format} shows the escape, escaped`);
        }
        assert.deepEqual(
            JSON.parse(renderJson(odd)),
            JSON.parse(JSON.stringify(odd)),
            "JSON keeps the values",
        );
    });

    it("checks a record's dates as RFC 3339, not Date.parse", () => {
        const sneaky = "Jan 1 2030 (\u001b[8mhidden)";
        assert.ok(!Number.isNaN(Date.parse(sneaky)), "Date.parse accepts it");
        for (const field of ["created", "lastUsed", "expirationDate"]) {
            const problem = parseTokenRecord({ ...token("r"), [field]: sneaky });
            assert.equal(typeof problem, "string", field);
            assert.match(
                problem as string,
                new RegExp(`"${field}" is a string, expected an RFC 3339 date-time string`),
            );
        }
        assert.equal(
            typeof parseTokenRecord({ ...token("r"), lastUsed: "2030-01-01 00:00:00.5+02:00" }),
            "object",
        );
    });

    describe("a malformed --state export", () => {
        const cases: [string, unknown, RegExp][] = [
            ["null", null, /the file holds null; expected the JSON of `pulumi stack export`/],
            ["a number", 5, /the file holds a number/],
            ["an array", [], /the file holds an array/],
            ['{"deployment": null}', { deployment: null }, /"deployment" is null/],
            ["no deployment", {}, /"deployment" is missing/],
            [
                "resources: 5",
                { deployment: { resources: 5 } },
                /"deployment.resources" is a number, expected an array/,
            ],
            [
                "resources: [null]",
                { deployment: { resources: [null] } },
                /"deployment.resources\[0\]" is null/,
            ],
            [
                "resources: [{}, 7]",
                { deployment: { resources: [{}, 7] } },
                /"deployment.resources\[1\]" is a number/,
            ],
        ];
        for (const [title, value, reason] of cases) {
            it(`${title}: stateRefs names what is wrong`, () => {
                assert.throws(
                    () => stateRefs(value),
                    (e: Error) => e instanceof StateFileError && reason.test(e.message),
                );
            });
        }

        it("isc-pat audit --state exits 2 (a usage error) naming the file and what is wrong, before any request", async () => {
            const dir = mkdtempSync(join(tmpdir(), "state-"));
            const written: string[] = [];
            const write = process.stderr.write;
            process.stderr.write = ((chunk: string) => (written.push(chunk), true)) as typeof write;
            try {
                for (const [text, reason] of [
                    ["null", /the file holds null/],
                    ['{"deployment":null}', /"deployment" is null/],
                    ['{"deployment":{"resources":[null]}}', /"deployment.resources\[0\]" is null/],
                    ["{", /JSON/],
                ] as const) {
                    const file = join(dir, "state.json");
                    writeFileSync(file, text);
                    written.length = 0;
                    assert.equal(await main(["audit", "--state", file], NOW), 2, text);
                    assert.match(written.join(""), new RegExp(`--state ${file}: `), text);
                    assert.match(written.join(""), reason, text);
                    assert.match(written.join(""), /Usage: isc-pat audit/, text);
                }
            } finally {
                process.stderr.write = write;
                rmSync(dir, { recursive: true, force: true });
            }
        });
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

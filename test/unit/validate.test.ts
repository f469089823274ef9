// validateInputs: schema.json plus the rules across fields, API versions and "now". Pure: "now" and
// the default API version are passed in, nothing is read from the surroundings.
import assert from "node:assert/strict";
import type { ApiVersion } from "../../wire/api-types";
import { INPUT_NAMES, UNKNOWN } from "../../provider/rules/types";
import { validateInputs, type CheckFailure } from "../../provider/rules/validate";
import {
    API_VERSIONS_TEXT,
    LEGACY_VERSIONS,
    MODERN_VERSIONS,
    MODERN_VERSIONS_TEXT,
} from "../../provider/rules/versions";

const NOW = new Date("2026-06-01T00:00:00Z");
/** Within 6 months of NOW. */
const SOON = "2026-09-01T00:00:00Z";
/** More than 6 months after NOW (the legacy limit is 2026-12-01T00:00:00Z). */
const FAR = "2027-06-30T00:00:00Z";
const PAST = "2026-05-01T00:00:00Z";

const LEGACY = LEGACY_VERSIONS;
const MODERN = MODERN_VERSIONS;

function check(raw: Record<string, unknown>, defaultApiVersion: ApiVersion = "v1") {
    return validateInputs(raw, { now: NOW, defaultApiVersion });
}

/** A property path Pulumi can point at: an input name, or an element of scope. */
const REAL_PATH = new RegExp(`^(${INPUT_NAMES.join("|")})$|^scope\\[\\d+\\]$`);

function assertPathsReal(failures: CheckFailure[], extra: string[] = []): void {
    for (const f of failures) {
        assert.ok(
            REAL_PATH.test(f.property) || extra.includes(f.property),
            `"${f.property}" is not a property path (${f.reason})`,
        );
        assert.ok(f.reason.length > 0, `empty reason for ${f.property}`);
    }
}

/** Asserts exactly one property fails, that it is `property`, and that the reason matches each pattern. */
function assertFails(
    raw: Record<string, unknown>,
    property: string,
    patterns: RegExp[],
    defaultApiVersion: ApiVersion = "v1",
): CheckFailure[] {
    const { failures } = check(raw, defaultApiVersion);
    assert.ok(failures.length > 0, `expected a failure on ${property} for ${JSON.stringify(raw)}`);
    assertPathsReal(failures, [property]);
    assert.deepEqual(
        [...new Set(failures.map((f) => f.property))],
        [property],
        `only ${property} should fail: ${JSON.stringify(failures)}`,
    );
    const reasons = failures.map((f) => f.reason).join(" | ");
    for (const pattern of patterns) assert.match(reasons, pattern);
    return failures;
}

function assertPasses(raw: Record<string, unknown>, defaultApiVersion: ApiVersion = "v1"): void {
    const { failures } = check(raw, defaultApiVersion);
    assert.deepEqual(failures, [], `${JSON.stringify(raw)} should pass`);
}

describe("validateInputs", () => {
    describe("valid inputs per version", () => {
        const full = {
            name: "ci-token",
            scope: ["sp:scopes:default", "idn:access-request:manage"],
            accessTokenValiditySeconds: 3600,
        };
        for (const version of LEGACY) {
            it(`${version}: with a date within 6 months, without one, and with nulls`, () => {
                assertPasses({ ...full, expirationDate: SOON, apiVersion: version });
                assertPasses({ name: "ci-token", apiVersion: version });
                assertPasses({
                    name: "ci-token",
                    scope: null,
                    expirationDate: null,
                    userAwareTokenNeverExpires: null,
                    accessTokenValiditySeconds: null,
                    apiVersion: version,
                });
                assertPasses({ name: "x", accessTokenValiditySeconds: 15, apiVersion: version });
                assertPasses({ name: "x", accessTokenValiditySeconds: 43200, apiVersion: version });
            });
        }
        for (const version of MODERN) {
            it(`${version}: with a far date, with a date and an acknowledgment, and never-expiring`, () => {
                assertPasses({ ...full, expirationDate: FAR, apiVersion: version });
                assertPasses({ ...full, expirationDate: "2035-01-01T00:00:00Z", apiVersion: version });
                assertPasses({
                    name: "x",
                    expirationDate: SOON,
                    userAwareTokenNeverExpires: true,
                    apiVersion: version,
                });
                assertPasses({
                    name: "x",
                    expirationDate: SOON,
                    userAwareTokenNeverExpires: false,
                    apiVersion: version,
                });
                assertPasses({ name: "x", userAwareTokenNeverExpires: true, apiVersion: version });
            });
        }

        it("accepts the RFC 3339 spellings of an instant", () => {
            for (const date of [
                "2026-09-01T00:00:00Z",
                "2026-09-01T00:00:00.123Z",
                "2026-09-01T00:00:00.123456Z",
                "2026-09-01T02:00:00+02:00",
                "2026-08-31T20:00:00-04:00",
            ]) {
                assertPasses({ name: "x", expirationDate: date, apiVersion: "v3" });
            }
        });
    });

    describe("apiVersion default and the engine's provider key", () => {
        it("fills apiVersion from the context when omitted or null", () => {
            for (const version of [...LEGACY, ...MODERN]) {
                const raw = { name: "x", expirationDate: SOON };
                assert.equal(check(raw, version).inputs.apiVersion, version);
                assert.equal(check({ ...raw, apiVersion: null }, version).inputs.apiVersion, version);
            }
        });

        it("keeps an explicit apiVersion over the default", () => {
            const { inputs, failures } = check(
                { name: "x", expirationDate: SOON, apiVersion: "v3" },
                "v2025",
            );
            assert.deepEqual(failures, []);
            assert.equal(inputs.apiVersion, "v3");
        });

        it("applies the version rules of the defaulted version", () => {
            // v1 default: no date needs the acknowledgment; v3 default: the acknowledgment is refused.
            assertFails({ name: "x" }, "userAwareTokenNeverExpires", [/must be true/, /v1/], "v1");
            assertFails(
                { name: "x", userAwareTokenNeverExpires: true },
                "userAwareTokenNeverExpires",
                [/v3/],
                "v3",
            );
            assertPasses({ name: "x" }, "v3");
        });
    });

    describe("unknown property", () => {
        const cases: { property: string; raw: Record<string, unknown> }[] = [
            { property: "scopes", raw: { name: "x", apiVersion: "v3", scopes: ["sp:scopes:all"] } },
            { property: "expiration", raw: { name: "x", apiVersion: "v3", expiration: SOON } },
            { property: "owner", raw: { name: "x", apiVersion: "v3", owner: "me" } },
            { property: "Name", raw: { name: "x", apiVersion: "v3", Name: "y" } },
        ];
        for (const { property, raw } of cases) {
            it(`names "${property}" and lists the valid properties`, () => {
                const [failure] = assertFails(raw, property, [new RegExp(`"${property}" is not a property`)]);
                for (const name of INPUT_NAMES)
                    assert.ok(failure.reason.includes(name), `${name} not listed`);
            });
        }
    });

    describe("name", () => {
        const cases: { title: string; raw: Record<string, unknown>; reason: RegExp }[] = [
            { title: "missing", raw: { apiVersion: "v3" }, reason: /is required.*non-empty string/ },
            { title: "empty", raw: { name: "", apiVersion: "v3" }, reason: /must not be empty/ },
            { title: "white space", raw: { name: "   ", apiVersion: "v3" }, reason: /more than white space/ },
            { title: "a tab and a newline", raw: { name: "\t\n", apiVersion: "v3" }, reason: /white space/ },
            { title: "a number", raw: { name: 42, apiVersion: "v3" }, reason: /must be a non-empty string/ },
            { title: "null", raw: { name: null, apiVersion: "v3" }, reason: /must be a non-empty string/ },
            {
                title: "an array",
                raw: { name: ["x"], apiVersion: "v3" },
                reason: /must be a non-empty string/,
            },
        ];
        for (const { title, raw, reason } of cases) {
            it(`fails when ${title}`, () => {
                assertFails(raw, "name", [reason]);
            });
        }
    });

    describe("scope", () => {
        const cases: { title: string; scope: unknown; property: string; reason: RegExp[] }[] = [
            {
                title: "a string instead of an array",
                scope: "sp:scopes:all",
                property: "scope",
                reason: [/an array of scope strings/, /or null/],
            },
            { title: "an object", scope: { a: 1 }, property: "scope", reason: [/an array of scope strings/] },
            {
                title: "an empty string element",
                scope: ["sp:scopes:default", ""],
                property: "scope[1]",
                reason: [/non-empty string/],
            },
            {
                title: "a number element",
                scope: ["sp:scopes:default", 7],
                property: "scope[1]",
                reason: [/non-empty string such as "sp:scopes:default"/],
            },
            {
                title: "a null element",
                scope: ["sp:scopes:default", null],
                property: "scope[1]",
                reason: [/non-empty string/],
            },
            {
                title: "a blank element (the API refuses it)",
                scope: ["sp:scopes:default", " "],
                property: "scope[1]",
                reason: [/more than white space/, /"sp:scopes:default"/],
            },
            {
                title: "a first element that is not a string",
                scope: [true],
                property: "scope[0]",
                reason: [/non-empty string/],
            },
        ];
        for (const { title, scope, property, reason } of cases) {
            it(`fails at ${property} for ${title}`, () => {
                assertFails({ name: "x", apiVersion: "v3", scope }, property, reason);
            });
        }

        it("reports each bad element at its own index", () => {
            const { failures } = check({ name: "x", apiVersion: "v3", scope: ["", "ok", 3] });
            assertPathsReal(failures);
            assert.deepEqual(failures.map((f) => f.property).sort(), ["scope[0]", "scope[2]"]);
        });
    });

    describe("accessTokenValiditySeconds", () => {
        const cases: unknown[] = [14, 43201, 1.5, "60", 0, -1, true];
        for (const value of cases) {
            it(`fails for ${JSON.stringify(value)} and says 15 to 43200`, () => {
                assertFails(
                    { name: "x", apiVersion: "v3", accessTokenValiditySeconds: value },
                    "accessTokenValiditySeconds",
                    [/15 to 43200/],
                );
            });
        }
    });

    describe("expirationDate", () => {
        const malformed = [
            "2027-13-01T00:00:00Z",
            "2027-06-30",
            "tomorrow",
            "2027-06-30T00:00:00",
            "2027-02-30T00:00:00Z",
            "30/06/2027 00:00",
            "",
        ];
        for (const version of ["v3", "v1"] as ApiVersion[]) {
            for (const date of malformed) {
                it(`${version}: fails for malformed ${JSON.stringify(date)} and shows a valid example`, () => {
                    assertFails(
                        {
                            name: "x",
                            apiVersion: version,
                            expirationDate: date,
                            userAwareTokenNeverExpires: version === "v1" ? true : undefined,
                        },
                        "expirationDate",
                        [/RFC 3339/, /time zone|\d{4}-\d{2}-\d{2}T00:00:00Z/],
                    );
                });
            }
        }

        it("fails for a non-string date", () => {
            assertFails({ name: "x", apiVersion: "v3", expirationDate: 1798761600000 }, "expirationDate", [
                /RFC 3339/,
            ]);
        });

        for (const version of [...LEGACY, ...MODERN]) {
            it(`${version}: fails for a past date and for now itself, saying it must be in the future`, () => {
                for (const date of [PAST, NOW.toISOString()]) {
                    const extra = MODERN.includes(version) ? { userAwareTokenNeverExpires: true } : {};
                    assertFails(
                        { name: "x", apiVersion: version, expirationDate: date, ...extra },
                        "expirationDate",
                        [/must be in the future/, /set a later date/],
                    );
                }
            });
        }

        for (const version of LEGACY) {
            it(`${version}: fails beyond 6 months and says what is valid`, () => {
                assertFails({ name: "x", apiVersion: version, expirationDate: FAR }, "expirationDate", [
                    /at most 6 months ahead/,
                    /2026-11-30T00:00:00.000Z/,
                    new RegExp(`apiVersion ${version}`),
                    new RegExp(MODERN_VERSIONS_TEXT),
                ]);
            });

            it(`${version}: accepts up to 6 months less a day of margin ahead, refuses a second later`, () => {
                assertPasses({ name: "x", apiVersion: version, expirationDate: "2026-11-30T00:00:00Z" });
                assertFails(
                    { name: "x", apiVersion: version, expirationDate: "2026-11-30T00:00:01Z" },
                    "expirationDate",
                    [/6 months/],
                );
            });

            it(`${version}: 6 months from 31 August end in February, never in March`, () => {
                const ctx = { now: new Date("2026-08-31T12:00:00Z"), defaultApiVersion: version };
                const failuresAt = (expirationDate: string) =>
                    validateInputs({ name: "x", apiVersion: version, expirationDate }, ctx).failures;
                for (const date of ["2027-03-01T00:00:00Z", "2027-03-03T00:00:00Z", "2027-02-28T12:00:00Z"])
                    assert.equal(failuresAt(date)[0]?.property, "expirationDate", date);
                assert.deepEqual(failuresAt("2027-02-27T12:00:00Z"), []);
                // 2028 is a leap year: 31 August 2027 + 6 months is 29 February 2028.
                const leap = { now: new Date("2027-08-31T12:00:00Z"), defaultApiVersion: version };
                const at = (expirationDate: string) =>
                    validateInputs({ name: "x", apiVersion: version, expirationDate }, leap).failures;
                assert.deepEqual(at("2028-02-28T12:00:00Z"), []);
                assert.equal(at("2028-03-01T00:00:00Z")[0]?.property, "expirationDate");
            });
        }

        for (const version of MODERN) {
            it(`${version}: accepts a date beyond 6 months`, () => {
                assertPasses({ name: "x", apiVersion: version, expirationDate: FAR });
            });
        }
    });

    describe("userAwareTokenNeverExpires", () => {
        for (const version of MODERN) {
            it(`${version}: no date needs the acknowledgment`, () => {
                for (const raw of [
                    { name: "x", apiVersion: version },
                    { name: "x", apiVersion: version, expirationDate: null },
                    { name: "x", apiVersion: version, userAwareTokenNeverExpires: false },
                    { name: "x", apiVersion: version, userAwareTokenNeverExpires: null },
                ]) {
                    assertFails(raw, "userAwareTokenNeverExpires", [
                        /must be true/,
                        new RegExp(`apiVersion ${version}`),
                        /or set expirationDate/,
                    ]);
                }
                assertPasses({ name: "x", apiVersion: version, userAwareTokenNeverExpires: true });
                assertPasses({
                    name: "x",
                    apiVersion: version,
                    expirationDate: null,
                    userAwareTokenNeverExpires: true,
                });
            });
        }

        for (const version of LEGACY) {
            for (const ack of [true, false]) {
                it(`${version}: refuses ${String(ack)} and says which versions take it`, () => {
                    for (const expirationDate of [undefined, SOON]) {
                        assertFails(
                            {
                                name: "x",
                                apiVersion: version,
                                expirationDate,
                                userAwareTokenNeverExpires: ack,
                            },
                            "userAwareTokenNeverExpires",
                            [
                                new RegExp(`not supported on apiVersion ${version}`),
                                /remove it/,
                                new RegExp(MODERN_VERSIONS_TEXT),
                            ],
                        );
                    }
                });
            }
            it(`${version}: accepts null`, () => {
                assertPasses({ name: "x", apiVersion: version, userAwareTokenNeverExpires: null });
            });
        }

        it("fails for a non-boolean", () => {
            assertFails(
                { name: "x", apiVersion: "v1", expirationDate: SOON, userAwareTokenNeverExpires: "true" },
                "userAwareTokenNeverExpires",
                [/true or false/],
            );
        });
    });

    describe("apiVersion", () => {
        for (const value of ["v4", "V3", "2025", "", 3]) {
            it(`fails for ${JSON.stringify(value)} and lists the versions`, () => {
                assertFails({ name: "x", apiVersion: value }, "apiVersion", [new RegExp(API_VERSIONS_TEXT)]);
            });
        }
    });

    describe("the engine's unknown placeholder never fails", () => {
        const cases: { title: string; raw: Record<string, unknown> }[] = [
            { title: "name", raw: { name: UNKNOWN, apiVersion: "v3" } },
            { title: "scope", raw: { name: "x", apiVersion: "v3", scope: UNKNOWN } },
            {
                title: "a scope element",
                raw: { name: "x", apiVersion: "v3", scope: ["sp:scopes:default", UNKNOWN] },
            },
            {
                title: "expirationDate (legacy)",
                raw: { name: "x", apiVersion: "v3", expirationDate: UNKNOWN },
            },
            {
                title: "expirationDate (modern, no acknowledgment)",
                raw: { name: "x", apiVersion: "v1", expirationDate: UNKNOWN },
            },
            {
                title: "userAwareTokenNeverExpires (modern, no date)",
                raw: { name: "x", apiVersion: "v2025", userAwareTokenNeverExpires: UNKNOWN },
            },
            {
                title: "userAwareTokenNeverExpires (legacy)",
                raw: { name: "x", apiVersion: "v3", userAwareTokenNeverExpires: UNKNOWN },
            },
            { title: "apiVersion", raw: { name: "x", apiVersion: UNKNOWN } },
            {
                title: "apiVersion, with a far date",
                raw: { name: "x", apiVersion: UNKNOWN, expirationDate: FAR },
            },
            {
                title: "accessTokenValiditySeconds",
                raw: { name: "x", apiVersion: "v3", accessTokenValiditySeconds: UNKNOWN },
            },
            {
                title: "every property at once",
                raw: {
                    name: UNKNOWN,
                    scope: UNKNOWN,
                    expirationDate: UNKNOWN,
                    userAwareTokenNeverExpires: UNKNOWN,
                    accessTokenValiditySeconds: UNKNOWN,
                    apiVersion: UNKNOWN,
                },
            },
        ];
        for (const { title, raw } of cases) {
            it(`in ${title}`, () => {
                assertPasses(raw);
            });
        }

        it("still reports the known properties that are wrong", () => {
            const { failures } = check({ name: UNKNOWN, apiVersion: "v3", accessTokenValiditySeconds: 5 });
            assert.deepEqual(
                failures.map((f) => f.property),
                ["accessTokenValiditySeconds"],
            );
        });
    });

    it("reports several failures at once, each at a real property path", () => {
        const { failures } = check({
            name: "",
            scope: ["", 1],
            expirationDate: "tomorrow",
            userAwareTokenNeverExpires: "yes",
            accessTokenValiditySeconds: 1.5,
            apiVersion: "v3",
        });
        assertPathsReal(failures);
        assert.deepEqual([...new Set(failures.map((f) => f.property))].sort(), [
            "accessTokenValiditySeconds",
            "expirationDate",
            "name",
            "scope[0]",
            "scope[1]",
            "userAwareTokenNeverExpires",
        ]);
        // No failure is reported twice.
        const keys = failures.map((f) => `${f.property}:${f.reason}`);
        assert.equal(new Set(keys).size, keys.length);
    });

    // RFC 3339 allows a leap second ("23:59:60") and ajv-formats accepts it, but Date.parse() cannot
    // read it, so no date rule could be checked: it is refused with its own message.
    describe("a leap-second date-time", () => {
        it("refuses the past leap second 2016-12-31T23:59:60Z", () => {
            assertFails(
                {
                    name: "x",
                    apiVersion: "v1",
                    expirationDate: "2016-12-31T23:59:60Z",
                    userAwareTokenNeverExpires: true,
                },
                "expirationDate",
                [/leap second/],
            );
        });

        it("refuses a leap-second date years beyond the 6-month limit on v3", () => {
            assertFails(
                { name: "x", apiVersion: "v3", expirationDate: "2030-12-31T23:59:60Z" },
                "expirationDate",
                [/leap second/],
            );
        });
    });
});

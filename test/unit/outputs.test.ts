// createRequestFrom, outputsFrom and inputsFrom: between the API's record and the resource's
// inputs and outputs.
import assert from "node:assert/strict";
import type { TokenRecord } from "../../wire/api-types";
import { expirySourceOf, secretKnownOf, versionOf } from "../../provider/rules/stored";
import { createRequestFrom, inputsFrom, outputsFrom } from "../../provider/rules/outputs";
import { planDiff } from "../../provider/rules/plan";
import type { CheckedInputs } from "../../provider/rules/types";
import { LEGACY_VERSIONS, MODERN_VERSIONS } from "../../provider/rules/versions";
import { IMPLIED_OUTPUTS, writtenBefore } from "../support/state-size";

const LEGACY = LEGACY_VERSIONS;
const MODERN = MODERN_VERSIONS;
const SECRET = "unit-test-pat-secret-0000000000000000000000000000000000000000000000";

function record(fields: Partial<TokenRecord> = {}): TokenRecord {
    return {
        id: "9c8a6d2f0e1b4a3c8d7e6f5a4b3c2d1e",
        name: "ci",
        scope: null,
        owner: { type: "IDENTITY", id: "2c9180835d2e5168015d32f890ca1581", name: "alice" },
        created: "2026-06-01T00:00:00.123456Z",
        lastUsed: null,
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: null,
        ...fields,
    };
}

/** The record the API would hold for these declared inputs (an omitted legacy date defaults to 6 months). */
function recordFor(declared: CheckedInputs, respell = false): TokenRecord {
    const modern = MODERN.includes(declared.apiVersion);
    const date = declared.expirationDate ?? (modern ? null : "2026-12-01T00:00:00.123456Z");
    return record({
        name: declared.name,
        scope: declared.scope == null ? null : respell ? [...declared.scope].reverse() : [...declared.scope],
        accessTokenValiditySeconds: declared.accessTokenValiditySeconds ?? 43200,
        expirationDate: date && respell ? new Date(date).toISOString() : date,
        ...(modern ? { userAwareTokenNeverExpires: declared.userAwareTokenNeverExpires ?? false } : {}),
    });
}

const NOW = new Date("2026-11-23T12:00:00Z");
/** Before every fixture date, so that no fixture token counts as expired. */
const BEFORE_EXPIRY = new Date("2026-06-01T00:00:00Z");

describe("outputs", () => {
    describe("createRequestFrom", () => {
        it("sends only the name when nothing else is declared", () => {
            for (const version of [...LEGACY, ...MODERN]) {
                assert.deepEqual(createRequestFrom({ name: "ci", apiVersion: version }, NOW, "0a1b2c3d"), {
                    name: "ci",
                });
                assert.deepEqual(
                    createRequestFrom(
                        {
                            name: "ci",
                            apiVersion: version,
                            scope: null,
                            expirationDate: null,
                            userAwareTokenNeverExpires: null,
                            accessTokenValiditySeconds: null,
                        },
                        NOW,
                        "0a1b2c3d",
                    ),
                    { name: "ci" },
                );
            }
        });

        it("sends every declared field, and never apiVersion", () => {
            assert.deepEqual(
                createRequestFrom(
                    {
                        name: "ci",
                        apiVersion: "v2025",
                        scope: ["sp:scopes:default"],
                        expirationDate: "2027-01-01T00:00:00Z",
                        userAwareTokenNeverExpires: false,
                        accessTokenValiditySeconds: 600,
                    },
                    NOW,
                    "0a1b2c3d",
                ),
                {
                    name: "ci",
                    scope: ["sp:scopes:default"],
                    expirationDate: "2027-01-01T00:00:00Z",
                    userAwareTokenNeverExpires: false,
                    accessTokenValiditySeconds: 600,
                },
            );
            assert.deepEqual(
                createRequestFrom(
                    { name: "ci", apiVersion: "v1", userAwareTokenNeverExpires: true },
                    NOW,
                    "0a1b2c3d",
                ),
                {
                    name: "ci",
                    userAwareTokenNeverExpires: true,
                },
            );
        });

        for (const version of LEGACY) {
            it(`${version}: never sends the acknowledgment`, () => {
                const body = createRequestFrom(
                    {
                        name: "ci",
                        apiVersion: version,
                        expirationDate: "2026-09-01T00:00:00Z",
                        userAwareTokenNeverExpires: true,
                    },
                    NOW,
                    "0a1b2c3d",
                );
                assert.deepEqual(body, { name: "ci", expirationDate: "2026-09-01T00:00:00Z" });
                assert.equal("userAwareTokenNeverExpires" in body, false);
            });
        }
    });

    describe("outputsFrom", () => {
        it("carries the record's fields, the version and the secret", () => {
            const out = outputsFrom(
                record({ lastUsed: "2026-06-02T00:00:00Z", managed: true, accessTokenValiditySeconds: 600 }),
                { name: "ci", apiVersion: "v3" },
                SECRET,
            );
            assert.equal(out.secret, SECRET);
            assert.equal(out.apiVersion, "v3");
            assert.equal(out.lastUsed, "2026-06-02T00:00:00.000Z");
            assert.equal(out.managed, true);
            assert.equal(out.accessTokenValiditySeconds, 600);
            assert.deepEqual(out.owner, {
                type: "IDENTITY",
                id: "2c9180835d2e5168015d32f890ca1581",
                name: "alice",
            });
            assert.equal(out.created, "2026-06-01T00:00:00.123Z");
        });

        it("writes every date it does not echo in one spelling: UTC with milliseconds", () => {
            const written = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
            const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
            for (const [declared, fields] of [
                [{ name: "ci", apiVersion: "v1", rotation }, { expirationDate: "2026-12-23T19:37:53Z" }],
                [{ name: "ci", apiVersion: "v3" }, { expirationDate: "2026-12-01T00:00:00.123456Z" }],
                [{ name: "ci", apiVersion: "v1" }, { expirationDate: "2027-01-01T01:00:00+01:00" }],
            ] as [CheckedInputs, Partial<TokenRecord>][]) {
                const out = outputsFrom(
                    record({ ...fields, name: "ci-20261123T193753Z", lastUsed: "2026-06-02T10:11:12Z" }),
                    declared,
                    SECRET,
                );
                for (const key of ["created", "lastUsed", "expirationDate", "rotationDueAt"] as const) {
                    if (key === "rotationDueAt" && !declared.rotation) continue;
                    assert.match(String(out[key]), written, `${key}: ${out[key]}`);
                }
            }
        });

        it("keeps the declared scope order when the sets are equal, takes the API's when different", () => {
            const declared: CheckedInputs = { name: "ci", apiVersion: "v3", scope: ["b:b:b", "a:a:a"] };
            assert.deepEqual(outputsFrom(record({ scope: ["a:a:a", "b:b:b"] }), declared, SECRET).scope, [
                "b:b:b",
                "a:a:a",
            ]);
            assert.deepEqual(outputsFrom(record({ scope: ["a:a:a", "c:c:c"] }), declared, SECRET).scope, [
                "a:a:a",
                "c:c:c",
            ]);
            assert.equal(outputsFrom(record({ scope: null }), declared, SECRET).scope, null);
            assert.equal(
                outputsFrom(record({ scope: null }), { name: "ci", apiVersion: "v3" }, SECRET).scope,
                null,
            );
        });

        it("keeps the declared date spelling when the instant is equal, takes the API's when different", () => {
            const declared: CheckedInputs = {
                name: "ci",
                apiVersion: "v1",
                expirationDate: "2027-01-01T01:00:00+01:00",
            };
            assert.equal(
                outputsFrom(record({ expirationDate: "2027-01-01T00:00:00.000Z" }), declared, SECRET)
                    .expirationDate,
                "2027-01-01T01:00:00+01:00",
            );
            assert.equal(
                outputsFrom(record({ expirationDate: "2027-03-01T00:00:00.000Z" }), declared, SECRET)
                    .expirationDate,
                "2027-03-01T00:00:00.000Z",
            );
            assert.equal(
                outputsFrom(record({ expirationDate: null }), declared, SECRET).expirationDate,
                null,
            );
        });

        it("expirationDateSource: input, apiDefault or neverExpires", () => {
            const cases: {
                declared: CheckedInputs;
                recordDate: string | null;
                source: string;
            }[] = [
                ...[...LEGACY, ...MODERN].map((v) => ({
                    declared: {
                        name: "ci",
                        apiVersion: v,
                        expirationDate: "2026-09-01T00:00:00Z",
                    } as CheckedInputs,
                    recordDate: "2026-09-01T00:00:00Z",
                    source: "input",
                })),
                ...LEGACY.map((v) => ({
                    declared: { name: "ci", apiVersion: v } as CheckedInputs,
                    recordDate: "2026-12-01T00:00:00Z",
                    source: "apiDefault",
                })),
                ...MODERN.map((v) => ({
                    declared: {
                        name: "ci",
                        apiVersion: v,
                        userAwareTokenNeverExpires: true,
                    } as CheckedInputs,
                    recordDate: null,
                    source: "neverExpires",
                })),
            ];
            for (const { declared, recordDate, source } of cases) {
                const out = outputsFrom(record({ expirationDate: recordDate }), declared, SECRET);
                assert.equal(expirySourceOf(out), source, JSON.stringify(declared));
            }
        });

        it("reports the acknowledgment on v2025/v2026/v1 only", () => {
            for (const version of MODERN) {
                const out = outputsFrom(
                    record({ userAwareTokenNeverExpires: true }),
                    { name: "ci", apiVersion: version, userAwareTokenNeverExpires: true },
                    SECRET,
                );
                assert.equal(out.userAwareTokenNeverExpires, true);
                // An API that does not echo the field: the declared value stands.
                const silent = outputsFrom(
                    record(),
                    { name: "ci", apiVersion: version, userAwareTokenNeverExpires: true },
                    SECRET,
                );
                assert.equal(silent.userAwareTokenNeverExpires, true);
            }
            for (const version of LEGACY) {
                const out = outputsFrom(
                    record({ expirationDate: "2026-12-01T00:00:00Z" }),
                    { name: "ci", apiVersion: version },
                    SECRET,
                );
                assert.equal("userAwareTokenNeverExpires" in out, false);
            }
        });
    });

    describe("the stored outputs: no default, no constant", () => {
        it("a typical token stores none of what absent means", () => {
            const declared: CheckedInputs = {
                name: "ci",
                apiVersion: "v1",
                scope: ["sp:scopes:default"],
                expirationDate: "2027-06-30T00:00:00Z",
            };
            const out = outputsFrom(recordFor(declared), declared, SECRET);
            assert.deepEqual(
                IMPLIED_OUTPUTS.filter((k) => k in out),
                [],
            );
            assert.equal(versionOf(out), "v1");
            assert.equal(expirySourceOf(out), "input");
            assert.equal(secretKnownOf(out), true);
        });
        it("stores each value that differs from what absent means", () => {
            const out = outputsFrom(
                record({
                    lastUsed: "2026-06-02T00:00:00Z",
                    managed: true,
                    accessTokenValiditySeconds: 600,
                    expirationDate: "2026-12-01T00:00:00Z",
                }),
                { name: "ci", apiVersion: "v3" },
                "",
            );
            assert.deepEqual(
                IMPLIED_OUTPUTS.map((k) => [k, (out as unknown as Record<string, unknown>)[k]]),
                [
                    ["apiVersion", "v3"],
                    ["accessTokenValiditySeconds", 600],
                    ["lastUsed", "2026-06-02T00:00:00.000Z"],
                    ["managed", true],
                    ["secretKnown", false],
                    ["userAwareTokenNeverExpires", undefined],
                    ["expirationDateSource", "apiDefault"],
                ],
            );
            const never = outputsFrom(
                record({ userAwareTokenNeverExpires: true }),
                { name: "ci", apiVersion: "v2025", userAwareTokenNeverExpires: true },
                SECRET,
            );
            assert.equal(never.userAwareTokenNeverExpires, true);
            assert.equal(never.apiVersion, "v2025");
            assert.equal("expirationDateSource" in never, false, "never expires: what a null date implies");
        });
        it("an acknowledgment left out (false) still shows a change to true", () => {
            const declared: CheckedInputs = {
                name: "ci",
                apiVersion: "v1",
                expirationDate: "2027-06-30T00:00:00Z",
            };
            const out = outputsFrom(recordFor(declared), declared, SECRET);
            assert.equal("userAwareTokenNeverExpires" in out, false);
            const plan = planDiff(out, { ...declared, userAwareTokenNeverExpires: true }, BEFORE_EXPIRY);
            assert.deepEqual(plan.updates, ["userAwareTokenNeverExpires"]);
        });
    });

    describe("inputsFrom(outputsFrom(record, declared))", () => {
        const typical: CheckedInputs[] = [
            ...LEGACY.flatMap((v): CheckedInputs[] => [
                { name: "ci", apiVersion: v },
                { name: "ci", apiVersion: v, expirationDate: "2026-09-01T00:00:00Z" },
                { name: "ci", apiVersion: v, scope: ["sp:scopes:default", "idn:access-request:manage"] },
                { name: "ci", apiVersion: v, accessTokenValiditySeconds: 600 },
                {
                    name: "ci",
                    apiVersion: v,
                    scope: ["sp:scopes:default"],
                    expirationDate: "2026-09-01T02:00:00+02:00",
                    accessTokenValiditySeconds: 3600,
                },
            ]),
            ...MODERN.flatMap((v): CheckedInputs[] => [
                { name: "ci", apiVersion: v, userAwareTokenNeverExpires: true },
                { name: "ci", apiVersion: v, expirationDate: "2027-06-30T00:00:00Z" },
                {
                    name: "ci",
                    apiVersion: v,
                    expirationDate: "2027-06-30T00:00:00Z",
                    userAwareTokenNeverExpires: true,
                },
                {
                    name: "ci",
                    apiVersion: v,
                    scope: ["b:b:b", "a:a:a"],
                    expirationDate: "2027-06-30T02:00:00+02:00",
                    accessTokenValiditySeconds: 900,
                },
                { name: "ci", apiVersion: v, scope: ["sp:scopes:default"], userAwareTokenNeverExpires: true },
            ]),
        ];

        for (const declared of typical) {
            it(`round-trips ${JSON.stringify(declared)}`, () => {
                for (const respell of [false, true]) {
                    const outputs = outputsFrom(recordFor(declared, respell), declared, SECRET);
                    assert.deepEqual(
                        inputsFrom(outputs),
                        declared,
                        respell ? "API's spelling" : "same spelling",
                    );
                    assert.equal(planDiff(outputs, declared, BEFORE_EXPIRY).changes, false);
                    // A state written before the lean form, every value spelled out, reads the same.
                    const written = writtenBefore(outputs);
                    assert.deepEqual(inputsFrom(written), declared, "the state written before");
                    assert.equal(planDiff(written, declared, BEFORE_EXPIRY).changes, false);
                    assert.deepEqual(
                        outputsFrom(recordFor(declared, respell), inputsFrom(written), SECRET),
                        outputs,
                    );
                    // A second refresh starts from the inputs the first one returned.
                    const again = outputsFrom(recordFor(declared, respell), inputsFrom(outputs), SECRET);
                    assert.deepEqual(again, outputs);
                }
            });
        }

        it("an API that reports the default scope as [sp:scopes:all] shows no change", () => {
            const declared: CheckedInputs = {
                name: "ci",
                apiVersion: "v1",
                userAwareTokenNeverExpires: true,
            };
            const outputs = outputsFrom(
                record({ scope: ["sp:scopes:all"], userAwareTokenNeverExpires: true }),
                declared,
                SECRET,
            );
            assert.equal(planDiff(outputs, declared, BEFORE_EXPIRY).changes, false);
            assert.equal(planDiff(outputs, inputsFrom(outputs), NOW).changes, false);
        });

        it("shows a rename made outside Pulumi as drift", () => {
            const declared: CheckedInputs = { name: "ci", apiVersion: "v3", scope: ["sp:scopes:default"] };
            const outputs = outputsFrom(
                record({ name: "renamed-in-ui", scope: ["sp:scopes:default"] }),
                declared,
                SECRET,
            );
            const inputs = inputsFrom(outputs);
            assert.deepEqual(inputs, { ...declared, name: "renamed-in-ui" });
            assert.notDeepEqual(inputs, declared);
            assert.deepEqual(planDiff(outputs, declared, BEFORE_EXPIRY).updates, ["name"]);
        });

        it("shows a scope or date changed outside Pulumi as drift", () => {
            const declared: CheckedInputs = {
                name: "ci",
                apiVersion: "v1",
                scope: ["sp:scopes:default"],
                expirationDate: "2027-06-30T00:00:00Z",
            };
            const outputs = outputsFrom(
                record({ scope: ["sp:scopes:all"], expirationDate: "2027-01-01T00:00:00Z" }),
                declared,
                SECRET,
            );
            const inputs = inputsFrom(outputs);
            assert.deepEqual(inputs.scope, ["sp:scopes:all"]);
            assert.equal(inputs.expirationDate, "2027-01-01T00:00:00.000Z");
            assert.deepEqual(planDiff(outputs, declared, BEFORE_EXPIRY).updates, ["scope", "expirationDate"]);
        });
    });
});

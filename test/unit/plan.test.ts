// planDiff and planPatch: what an update of the state's outputs to the new checked inputs does.
import assert from "node:assert/strict";
import { sameInstant, sameScope } from "../../provider/rules/equality";
import { planDiff, planPatch } from "../../provider/rules/plan";
import { UNKNOWN, type CheckedInputs, type TokenOutputs } from "../../provider/rules/types";
import { LEGACY_VERSIONS, MODERN_VERSIONS } from "../../provider/rules/versions";

const LEGACY = LEGACY_VERSIONS;
const MODERN = MODERN_VERSIONS;

const DATE = "2027-01-01T00:00:00Z";
const OTHER_DATE = "2027-02-01T00:00:00Z";
/** The instant every decision is made at: the dates above lie after it, whatever the real date. */
const NOW = new Date("2026-06-01T00:00:00Z");

/** The outputs in state for a token made from `inputs`, as the API would report them. */
function state(inputs: CheckedInputs, extra: Partial<TokenOutputs> = {}): Partial<TokenOutputs> {
    return {
        name: inputs.name,
        scope: inputs.scope ?? null,
        expirationDate: inputs.expirationDate ?? null,
        accessTokenValiditySeconds: inputs.accessTokenValiditySeconds ?? 43200,
        apiVersion: inputs.apiVersion,
        secret: "not-a-real-secret",
        owner: { type: "IDENTITY", id: "2c9180835d2e5168015d32f890ca1581", name: "alice" },
        created: "2026-06-01T00:00:00.123456Z",
        lastUsed: null,
        managed: false,
        expirationDateSource: inputs.expirationDate != null ? "input" : "neverExpires",
        ...(inputs.userAwareTokenNeverExpires != null
            ? { userAwareTokenNeverExpires: inputs.userAwareTokenNeverExpires }
            : {}),
        ...extra,
    };
}

function assertNoChange(olds: Partial<TokenOutputs>, news: CheckedInputs): void {
    const plan = planDiff(olds, news, NOW);
    assert.deepEqual(plan, { changes: false, updates: [], replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(planPatch(olds, news, NOW), []);
}

describe("planDiff / planPatch", () => {
    it("replaces a token whose secret the state lacks (an import, a create cut short); delete first when the name stays", () => {
        const news: CheckedInputs = { name: "ci", apiVersion: "v1", expirationDate: DATE };
        const plan = planDiff(state(news, { secret: "" }), news, new Date("2026-11-23T00:00:00Z"));
        assert.deepEqual(plan.replaces, ["secret"]);
        assert.equal(plan.deleteBeforeReplace, true);
        const renamed = planDiff(
            state(news, { secret: "" }),
            { ...news, name: "ci-2" },
            new Date("2026-11-23T00:00:00Z"),
        );
        assert.equal(
            renamed.deleteBeforeReplace,
            false,
            "a new name cannot clash: the new token comes first",
        );
    });

    for (const version of [...LEGACY, ...MODERN]) {
        const base: CheckedInputs = MODERN.includes(version)
            ? { name: "ci", apiVersion: version, expirationDate: DATE }
            : { name: "ci", apiVersion: version };

        describe(version, () => {
            it("no change: changes is false and the patch is empty", () => {
                assertNoChange(state(base), base);
                const full: CheckedInputs = {
                    ...base,
                    scope: ["sp:scopes:default", "idn:access-request:manage"],
                    accessTokenValiditySeconds: 600,
                };
                assertNoChange(state(full), full);
            });

            it("rename: an in-place update with exactly one replace of /name", () => {
                const news = { ...base, name: "ci-renamed" };
                assert.deepEqual(planDiff(state(base), news, NOW), {
                    changes: true,
                    updates: ["name"],
                    replaces: [],
                    deleteBeforeReplace: false,
                });
                assert.deepEqual(planPatch(state(base), news, NOW), [
                    { op: "replace", path: "/name", value: "ci-renamed" },
                ]);
            });

            it("a reordered scope is no change", () => {
                const olds = state({ ...base, scope: ["a:b:c", "d:e:f", "g:h:i"] });
                assertNoChange(olds, { ...base, scope: ["g:h:i", "a:b:c", "d:e:f"] });
            });

            it("scope null, omitted and [sp:scopes:all] are all equal", () => {
                const spellings: (string[] | null | undefined)[] = [null, undefined, ["sp:scopes:all"]];
                for (const old of spellings) {
                    for (const next of spellings) {
                        const news: CheckedInputs = { ...base };
                        if (next !== undefined) news.scope = next;
                        const olds = state(base);
                        if (old === undefined) delete olds.scope;
                        else olds.scope = old;
                        assertNoChange(olds, news);
                    }
                }
            });

            it("a scope change is one replace of /scope", () => {
                const olds = state({ ...base, scope: ["sp:scopes:default"] });
                const news = { ...base, scope: ["sp:scopes:default", "idn:access-request:manage"] };
                const plan = planDiff(olds, news, NOW);
                assert.deepEqual(plan.updates, ["scope"]);
                assert.deepEqual(plan.replaces, []);
                assert.deepEqual(planPatch(olds, news, NOW), [
                    {
                        op: "replace",
                        path: "/scope",
                        value: ["sp:scopes:default", "idn:access-request:manage"],
                    },
                ]);
                // Back to the default: the documented patch value is a list, so the default list is sent,
                // never null.
                assert.deepEqual(planPatch(olds, base, NOW), [
                    { op: "replace", path: "/scope", value: ["sp:scopes:all"] },
                ]);
                assert.deepEqual(planPatch(olds, { ...base, scope: null }, NOW), [
                    { op: "replace", path: "/scope", value: ["sp:scopes:all"] },
                ]);
            });

            it("the same instant spelled differently is no change", () => {
                const spellings = [
                    "2027-01-01T00:00:00Z",
                    "2027-01-01T01:00:00+01:00",
                    "2027-01-01T00:00:00.000Z",
                ];
                for (const old of spellings) {
                    for (const next of spellings) {
                        const inputs = { ...base, expirationDate: next };
                        assertNoChange(state({ ...base, expirationDate: old }), inputs);
                    }
                }
            });

            it("accessTokenValiditySeconds: a change replaces; omitted equals 43200", () => {
                const olds = state({ ...base, accessTokenValiditySeconds: 600 });
                const plan = planDiff(olds, { ...base, accessTokenValiditySeconds: 900 }, NOW);
                assert.deepEqual(plan.replaces, ["accessTokenValiditySeconds"]);
                assert.equal(plan.changes, true);
                assertNoChange(state({ ...base, accessTokenValiditySeconds: 43200 }), base);
                assertNoChange(state(base), { ...base, accessTokenValiditySeconds: 43200 });
                assertNoChange(state(base), { ...base, accessTokenValiditySeconds: null });
            });

            it("a replacement that keeps the name of a working token moves the old one aside, new first; one with a rename needs no move", () => {
                const olds = state({ ...base, accessTokenValiditySeconds: 600 });
                const keep = planDiff(olds, { ...base, accessTokenValiditySeconds: 900 }, NOW);
                assert.equal(keep.deleteBeforeReplace, false);
                assert.equal(keep.movesOldAside, true);
                const rename = planDiff(
                    olds,
                    { ...base, name: "ci-2", accessTokenValiditySeconds: 900 },
                    NOW,
                );
                assert.deepEqual(rename.updates, ["name"]);
                assert.deepEqual(rename.replaces, ["accessTokenValiditySeconds"]);
                assert.equal(rename.deleteBeforeReplace, false);
                assert.equal(rename.movesOldAside, undefined);
            });

            it("a same-name replacement of a token nothing can use deletes first: expired, or its secret not in the state", () => {
                const news = { ...base, accessTokenValiditySeconds: 900 };
                const expired = state(
                    { ...base, accessTokenValiditySeconds: 600 },
                    { expirationDate: "2026-05-31T23:59:59Z" },
                );
                const secretless = state({ ...base, accessTokenValiditySeconds: 600 }, { secret: "" });
                for (const olds of [expired, secretless]) {
                    const plan = planDiff(olds, news, NOW);
                    assert.ok(plan.replaces.includes("accessTokenValiditySeconds"));
                    assert.equal(plan.deleteBeforeReplace, true);
                    assert.equal(plan.movesOldAside, undefined);
                }
            });

            it("planPatch throws when a replacement is needed", () => {
                const olds = state({ ...base, accessTokenValiditySeconds: 600 });
                assert.throws(
                    () => planPatch(olds, { ...base, name: "ci-2", accessTokenValiditySeconds: 900 }, NOW),
                    /cannot update accessTokenValiditySeconds in place; the token must be replaced/,
                );
            });

            it("the unknown placeholder in name or scope is a change", () => {
                assert.deepEqual(planDiff(state(base), { ...base, name: UNKNOWN }, NOW).updates, ["name"]);
                const scopes: unknown[] = [UNKNOWN, ["sp:scopes:all", UNKNOWN]];
                for (const scope of scopes) {
                    const plan = planDiff(state(base), { ...base, scope: scope as string[] }, NOW);
                    assert.deepEqual(plan.updates, ["scope"], JSON.stringify(scope));
                    assert.equal(plan.changes, true);
                }
            });

            it("the unknown placeholder in accessTokenValiditySeconds is a replacement", () => {
                const plan = planDiff(
                    state(base),
                    {
                        ...base,
                        accessTokenValiditySeconds: UNKNOWN as unknown as number,
                    },
                    NOW,
                );
                assert.deepEqual(plan.replaces, ["accessTokenValiditySeconds"]);
            });
        });
    }

    describe("expirationDate", () => {
        for (const version of MODERN) {
            it(`${version}: a change is an in-place update with one replace of /expirationDate`, () => {
                const olds = state({ name: "ci", apiVersion: version, expirationDate: DATE });
                const news: CheckedInputs = { name: "ci", apiVersion: version, expirationDate: OTHER_DATE };
                assert.deepEqual(planDiff(olds, news, NOW), {
                    changes: true,
                    updates: ["expirationDate"],
                    replaces: [],
                    deleteBeforeReplace: false,
                });
                assert.deepEqual(planPatch(olds, news, NOW), [
                    { op: "replace", path: "/expirationDate", value: OTHER_DATE },
                ]);
            });

            it(`${version}: date → never patches /expirationDate null and /userAwareTokenNeverExpires true`, () => {
                for (const oldAck of [undefined, false]) {
                    const olds = state({ name: "ci", apiVersion: version, expirationDate: DATE });
                    if (oldAck !== undefined) olds.userAwareTokenNeverExpires = oldAck;
                    for (const news of [
                        {
                            name: "ci",
                            apiVersion: version,
                            expirationDate: null,
                            userAwareTokenNeverExpires: true,
                        },
                        { name: "ci", apiVersion: version, userAwareTokenNeverExpires: true },
                    ] as CheckedInputs[]) {
                        const plan = planDiff(olds, news, NOW);
                        assert.equal(plan.changes, true);
                        assert.ok(plan.updates.includes("expirationDate"));
                        assert.deepEqual(plan.replaces, []);
                        assert.deepEqual(planPatch(olds, news, NOW), [
                            { op: "replace", path: "/expirationDate", value: null },
                            { op: "replace", path: "/userAwareTokenNeverExpires", value: true },
                        ]);
                    }
                }
            });

            it(`${version}: never → never is no change`, () => {
                const never: CheckedInputs = {
                    name: "ci",
                    apiVersion: version,
                    userAwareTokenNeverExpires: true,
                };
                assertNoChange(state(never), never);
                assertNoChange(state(never), { ...never, expirationDate: null });
            });

            it(`${version}: never → a date sets the date in place`, () => {
                const olds = state({ name: "ci", apiVersion: version, userAwareTokenNeverExpires: true });
                const news: CheckedInputs = {
                    name: "ci",
                    apiVersion: version,
                    expirationDate: DATE,
                    userAwareTokenNeverExpires: false,
                };
                const plan = planDiff(olds, news, NOW);
                assert.deepEqual(plan.replaces, []);
                assert.deepEqual(planPatch(olds, news, NOW), [
                    { op: "replace", path: "/expirationDate", value: DATE },
                    { op: "replace", path: "/userAwareTokenNeverExpires", value: false },
                ]);
            });

            it(`${version}: the acknowledgment alone, with a date, changes in place`, () => {
                const olds = state(
                    { name: "ci", apiVersion: version, expirationDate: DATE },
                    { userAwareTokenNeverExpires: false },
                );
                const news: CheckedInputs = {
                    name: "ci",
                    apiVersion: version,
                    expirationDate: DATE,
                    userAwareTokenNeverExpires: true,
                };
                assert.deepEqual(planDiff(olds, news, NOW).updates, ["userAwareTokenNeverExpires"]);
                assert.deepEqual(planPatch(olds, news, NOW), [
                    { op: "replace", path: "/userAwareTokenNeverExpires", value: true },
                ]);
            });

            it(`${version}: an unknown date is an in-place update`, () => {
                const olds = state({ name: "ci", apiVersion: version, expirationDate: DATE });
                const plan = planDiff(
                    olds,
                    { name: "ci", apiVersion: version, expirationDate: UNKNOWN },
                    NOW,
                );
                assert.deepEqual(plan.updates, ["expirationDate"]);
                assert.deepEqual(plan.replaces, []);
            });
        }

        for (const version of LEGACY) {
            it(`${version}: a change replaces the token (the new one first, the old one moved aside: the name stays)`, () => {
                const olds = state(
                    { name: "ci", apiVersion: version, expirationDate: DATE },
                    { expirationDateSource: "input" },
                );
                const news: CheckedInputs = { name: "ci", apiVersion: version, expirationDate: OTHER_DATE };
                assert.deepEqual(planDiff(olds, news, NOW), {
                    changes: true,
                    updates: [],
                    replaces: ["expirationDate"],
                    deleteBeforeReplace: false,
                    movesOldAside: true,
                });
                assert.throws(() => planPatch(olds, news, NOW), /cannot update expirationDate in place/);
            });

            it(`${version}: an omitted date is no change against the server's default date`, () => {
                const olds = state(
                    { name: "ci", apiVersion: version },
                    { expirationDate: "2026-12-01T10:11:12.345678Z", expirationDateSource: "apiDefault" },
                );
                assertNoChange(olds, { name: "ci", apiVersion: version });
                assertNoChange(olds, { name: "ci", apiVersion: version, expirationDate: null });
            });

            it(`${version}: an unknown date is a replacement`, () => {
                const olds = state({ name: "ci", apiVersion: version, expirationDate: DATE });
                assert.deepEqual(
                    planDiff(olds, { name: "ci", apiVersion: version, expirationDate: UNKNOWN }, NOW)
                        .replaces,
                    ["expirationDate"],
                );
            });
        }
    });

    describe("apiVersion", () => {
        it("a change of apiVersion alone is no change", () => {
            const versions = [...LEGACY, ...MODERN];
            for (const from of versions) {
                for (const to of versions) {
                    const olds = state({
                        name: "ci",
                        apiVersion: from,
                        expirationDate: DATE,
                        scope: ["a:b:c"],
                    });
                    assertNoChange(olds, {
                        name: "ci",
                        apiVersion: to,
                        expirationDate: DATE,
                        scope: ["a:b:c"],
                    });
                }
            }
        });
    });

    describe("sameScope / sameInstant", () => {
        it("compares scopes as sets with the default for null", () => {
            assert.equal(sameScope(["a", "b"], ["b", "a"]), true);
            assert.equal(sameScope(["a", "a", "b"], ["b", "a"]), true);
            assert.equal(sameScope(null, ["sp:scopes:all"]), true);
            assert.equal(sameScope(undefined, null), true);
            assert.equal(sameScope(["a"], ["a", "b"]), false);
            assert.equal(sameScope(["sp:scopes:default"], null), false);
        });

        it("compares dates as instants, null with undefined", () => {
            assert.equal(sameInstant("2027-01-01T00:00:00Z", "2026-12-31T19:00:00-05:00"), true);
            assert.equal(sameInstant(null, undefined), true);
            assert.equal(sameInstant(null, "2027-01-01T00:00:00Z"), false);
            assert.equal(sameInstant("2027-01-01T00:00:00Z", "2027-01-01T00:00:01Z"), false);
        });
    });
});

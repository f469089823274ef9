// rotation.overlapDays, the pure decisions (provider/rules/overlap.ts): until when the outgoing
// generation works, how each version makes it stop, what a preview says; and check's refusals.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ApiVersion } from "../../wire/api-types";
import {
    expiryPatchFor,
    overlapDaysOf,
    overlapEnded,
    overlapEndNotice,
    previousGenerationAfter,
    rotationOverlapNotices,
} from "../../provider/rules/overlap";
import { planDiff } from "../../provider/rules/plan";
import { UNKNOWN, type CheckedInputs, type TokenOutputs } from "../../provider/rules/types";
import { validateInputs } from "../../provider/rules/validate";
import {
    API_VERSIONS,
    hasModernExpiry,
    LEGACY_VERSIONS,
    MODERN_VERSIONS,
} from "../../provider/rules/versions";
import { DAY } from "../support/time";

/** Every decision is made at NOW (an argument): the dates below derive from it. */
const NOW = new Date("2026-06-01T00:00:00.000Z");
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();
const LEGACY = LEGACY_VERSIONS;
const MODERN = MODERN_VERSIONS;

/** The outgoing generation's outputs: it expires in `expiresIn` days (null: never). */
function outgoing(expiresIn: number | null, extra: Partial<TokenOutputs> = {}): Partial<TokenOutputs> {
    return {
        name: "ci",
        tokenName: "ci-20260501T000000Z",
        expirationDate: expiresIn === null ? null : at(expiresIn),
        rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 },
        ...extra,
    };
}

describe("rotation.overlapDays: check", () => {
    const check = (overlapDays: unknown) =>
        validateInputs(
            { name: "ci", rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays } },
            { now: NOW, defaultApiVersion: "v1" },
        ).failures;

    for (const [value, reason] of [
        [-1, /whole number of days from 0 to 36500/],
        [1.5, /whole number of days \(0 or more\)/],
        ["3", /whole number of days \(0 or more\)/],
        [36501, /whole number of days from 0 to 36500/],
    ] as const) {
        it(`refuses ${JSON.stringify(value)}, naming rotation.overlapDays`, () => {
            const failures = check(value);
            assert.equal(failures.length, 1, JSON.stringify(failures));
            assert.equal(failures[0].property, "rotation.overlapDays");
            assert.match(failures[0].reason, reason);
        });
    }

    it("accepts 0 and whole numbers, and an unknown value at preview", () => {
        for (const value of [0, 1, 14, 36500, UNKNOWN]) assert.deepEqual(check(value), []);
    });

    it("names overlapDays among the valid rotation settings", () => {
        const { failures } = validateInputs(
            { name: "ci", rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlap: 3 } },
            { now: NOW, defaultApiVersion: "v1" },
        );
        assert.match(failures[0].reason, /expiresInDays, rotateBeforeDays, overlapDays/);
    });
});

describe("rotation.overlapDays: the outgoing generation", () => {
    it("reads the declared days: 0 when absent or unknown", () => {
        assert.equal(overlapDaysOf(undefined), 0);
        assert.equal(overlapDaysOf({ expiresInDays: 30, rotateBeforeDays: 7 }), 0);
        assert.equal(overlapDaysOf(UNKNOWN as never), 0);
        assert.equal(
            overlapDaysOf({ expiresInDays: 30, rotateBeforeDays: 7, overlapDays: UNKNOWN as never }),
            0,
        );
        assert.equal(overlapDaysOf({ expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 }), 3);
    });

    // [case, own expiry in days (null: never), overlapDays, worksUntil in days (undefined: no overlap)]
    const table: [string, number | null, number, number | undefined][] = [
        ["no overlap declared", 7, 0, undefined],
        ["the declared overlap", 7, 3, 3],
        ["cut short by the token's own expiry", 2, 3, 2],
        ["a token that never expires", null, 3, 3],
        ["an expired token has none", -1, 3, undefined],
        ["a token expiring now has none", 0, 3, undefined],
    ];
    for (const [title, expiresIn, days, until] of table) {
        it(title, () => {
            const previous = previousGenerationAfter("old-id", outgoing(expiresIn), days, NOW);
            if (until === undefined) return assert.equal(previous, undefined);
            assert.deepEqual(previous, {
                id: "old-id",
                tokenName: "ci-20260501T000000Z",
                worksUntil: at(until),
            });
        });
    }

    it("never names a secret", () => {
        const previous = previousGenerationAfter(
            "old-id",
            { ...outgoing(7), secret: "s".repeat(64) },
            3,
            NOW,
        );
        assert.deepEqual(Object.keys(previous ?? {}).sort(), ["id", "tokenName", "worksUntil"]);
    });

    it("works until min(rotation + overlapDays, its own expiry), always after the rotation (property)", () => {
        fc.assert(
            fc.property(
                fc.option(fc.integer({ min: -5 * DAY, max: 400 * DAY }), { nil: null }),
                fc.integer({ min: 0, max: 400 }),
                (ownMs, days) => {
                    const own = ownMs === null ? null : new Date(NOW.getTime() + ownMs).toISOString();
                    const previous = previousGenerationAfter("x", { expirationDate: own }, days, NOW);
                    const bound = Math.min(
                        NOW.getTime() + days * DAY,
                        own === null ? Infinity : Date.parse(own),
                    );
                    if (bound <= NOW.getTime()) return assert.equal(previous, undefined);
                    assert.equal(Date.parse(previous!.worksUntil), bound);
                    assert.equal(overlapEnded(previous!, NOW), false);
                    assert.equal(overlapEnded(previous!, new Date(bound)), true, "ended at worksUntil");
                },
            ),
            { seed: 19, numRuns: 300 },
        );
    });

    it("v2025/v2026/v1 bring the expiry forward to worksUntil; beta/v3/v2024 send nothing", () => {
        const previous = previousGenerationAfter("x", outgoing(7), 3, NOW)!;
        for (const version of MODERN) {
            assert.deepEqual(expiryPatchFor(version, at(7), previous), [
                { op: "replace", path: "/expirationDate", value: "2026-06-04T00:00:00Z" },
            ]);
            assert.equal(
                expiryPatchFor(version, null, previous).length,
                1,
                "a never-expiring token gets a date",
            );
            assert.deepEqual(
                expiryPatchFor(version, previous.worksUntil, previous),
                [],
                "expires then anyway",
            );
        }
        for (const version of LEGACY) assert.deepEqual(expiryPatchFor(version, at(7), previous), []);
    });
});

describe("rotation.overlapDays: what the preview says", () => {
    const older = { id: "older-id", tokenName: "ci-20260401T000000Z", worksUntil: at(1) };

    it("until when the outgoing token works, and that its expiry is brought forward (v1)", () => {
        const notices = rotationOverlapNotices("old-id", outgoing(7), outgoing(7).rotation, "v1", NOW);
        assert.deepEqual(notices, [
            `the outgoing token old-id ("ci-20260501T000000Z") keeps working until ${at(3)} (rotation.overlapDays 3): its expiry is brought forward to then, and output previousGeneration names it`,
        ]);
    });

    it("an overlap that cannot be honoured as declared: each case says so", () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 };
        for (const version of LEGACY) {
            const [notice] = rotationOverlapNotices("old-id", outgoing(7), rotation, version, NOW);
            assert.match(notice, new RegExp(`apiVersion ${version} cannot change a token's expiry`));
            assert.match(notice, /until the first pulumi up after .* deletes it; run pulumi up daily/);
        }
        for (const version of API_VERSIONS) {
            const [cut] = rotationOverlapNotices("old-id", outgoing(2), rotation, version, NOW);
            assert.match(
                cut,
                /expires on .*, before rotation.overlapDays \(3\) would end .*: it keeps working only until then/,
            );
            const [expired] = rotationOverlapNotices("old-id", outgoing(-1), rotation, version, NOW);
            assert.match(
                expired,
                /has expired: rotation.overlapDays \(3\) cannot keep it working, so it is deleted/,
            );
        }
    });

    it("an older generation still in its overlap is ended first; one whose overlap is over is deleted", () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 };
        const [first] = rotationOverlapNotices(
            "old-id",
            outgoing(7, { previousGeneration: older }),
            rotation,
            "v1",
            NOW,
        );
        assert.match(
            first,
            /older-id .* is still in its overlap .*: it is deleted before the new token is made, so that no more than two generations work at once/,
        );
        const later = new Date(NOW.getTime() + 2 * DAY);
        const [ended] = rotationOverlapNotices(
            "old-id",
            outgoing(7, { previousGeneration: older }),
            rotation,
            "v1",
            later,
        );
        assert.equal(ended, overlapEndNotice(older));
        assert.match(
            ended,
            /the overlap of the previous generation older-id \("ci-20260401T000000Z"\) ended at .*: this up deletes it/,
        );
    });

    it("an overlapDays change alone is an update (recorded for the next rotation), never a replacement", () => {
        const olds = {
            ...outgoing(20),
            apiVersion: "v1",
            secret: "s",
            rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
        };
        const news: CheckedInputs = {
            name: "ci",
            apiVersion: "v1",
            rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 3 },
        };
        const plan = planDiff(olds as Partial<TokenOutputs>, news, NOW);
        assert.deepEqual([plan.updates, plan.replaces], [["rotation"], []]);
        const zero = { ...news, rotation: { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 0 } };
        assert.equal(planDiff(olds as Partial<TokenOutputs>, zero, NOW).changes, false, "0 is the default");
    });

    it("is said for every version and overlap without throwing (property)", () => {
        fc.assert(
            fc.property(
                fc.constantFrom<unknown>(...API_VERSIONS, UNKNOWN),
                fc.option(fc.integer({ min: -3, max: 60 }), { nil: null }),
                fc.integer({ min: 0, max: 60 }),
                fc.boolean(),
                (version, expiresIn, days, withOlder) => {
                    const olds = outgoing(expiresIn, withOlder ? { previousGeneration: older } : {});
                    const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: days };
                    const notices = rotationOverlapNotices("old-id", olds, rotation, version, NOW);
                    assert.equal(notices.length, (withOlder ? 1 : 0) + (days > 0 ? 1 : 0));
                    const legacy = typeof version === "string" && LEGACY.includes(version as ApiVersion);
                    const cut = expiresIn !== null && expiresIn < days;
                    const alive = expiresIn === null || expiresIn > 0;
                    if (days > 0 && legacy && !cut && alive)
                        assert.match(notices[notices.length - 1], /cannot change a token's expiry/);
                    if (days > 0 && !legacy && hasModernExpiry(version as ApiVersion) && !cut && alive)
                        assert.match(notices[notices.length - 1], /brought forward/);
                },
            ),
            { seed: 19, numRuns: 300 },
        );
    });
});

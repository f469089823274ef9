// Over time: a declared date that has passed since the last up never blocks the stack; turning
// rotation off converges in one up; and what check accepts is what the API is sent.
import assert from "node:assert/strict";
import type { TokenRecord } from "../../wire/api-types";
import { expirySourceOf } from "../../provider/rules/stored";
import { createRequestFrom, outputsFrom } from "../../provider/rules/outputs";
import { wireDate } from "../../provider/rules/dates";
import { planDiff, planPatch, staleExpiryWarning } from "../../provider/rules/plan";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { validateInputs } from "../../provider/rules/validate";
import { DAY } from "../support/time";

const T0 = new Date("2026-03-10T08:00:00Z");
const inDays = (days: number, from = T0) => new Date(from.getTime() + days * DAY);
const iso = (date: Date) => date.toISOString().replace(/\.000Z$/, "Z");

function created(inputs: CheckedInputs, at = T0): TokenOutputs {
    const body = createRequestFrom(inputs, at, "0a1b2c3d");
    const record: TokenRecord = {
        id: "e".repeat(32),
        name: body.name,
        scope: body.scope ?? null,
        owner: { type: "IDENTITY", id: "owner-1", name: "Owner" },
        created: at.toISOString(),
        lastUsed: null,
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: body.expirationDate ?? null,
        userAwareTokenNeverExpires: body.userAwareTokenNeverExpires ?? false,
    };
    return outputsFrom(record, inputs, "s".repeat(64));
}

describe("a declared expirationDate that has passed", () => {
    for (const apiVersion of ["v3", "v1"] as const) {
        const date = iso(inDays(30));
        const declared: CheckedInputs = { name: "fixed", apiVersion, expirationDate: date };
        const state = created(declared);
        const later = inDays(31);

        it(`${apiVersion}: check passes when the inputs in state held the same date (any spelling)`, () => {
            const respelled = new Date(Date.parse(date)).toISOString(); // .000Z
            for (const expirationDate of [date, respelled]) {
                const { failures } = validateInputs(
                    { name: "fixed", apiVersion, expirationDate },
                    { now: later, defaultApiVersion: "v1", prior: { ...declared } },
                );
                assert.deepEqual(failures, [], expirationDate);
            }
        });

        it(`${apiVersion}: a newly declared past date fails check, naming what to do`, () => {
            for (const prior of [undefined, {}, { ...declared, expirationDate: iso(inDays(20)) }]) {
                const { failures } = validateInputs(
                    { name: "fixed", apiVersion, expirationDate: date },
                    { now: later, defaultApiVersion: "v1", prior },
                );
                assert.equal(failures[0]?.property, "expirationDate");
                assert.match(failures[0].reason, /must be in the future; .* has passed .*set a later date/);
            }
        });

        it(`${apiVersion}: diff changes nothing and warns loudly, saying what to do`, () => {
            assert.deepEqual(planDiff(state, declared, later), {
                changes: false,
                updates: [],
                replaces: [],
                deleteBeforeReplace: false,
            });
            const warning = staleExpiryWarning(state, declared, later) ?? "";
            assert.match(warning, /^warning: the token expired on .* and no longer works/);
            assert.match(warning, /Set a later expirationDate .* and run pulumi up/);
            assert.equal(staleExpiryWarning(state, declared, inDays(29)), undefined, "not before it passes");
        });

        it(`${apiVersion}: a later date renews it in that up`, () => {
            const plan = planDiff(state, { ...declared, expirationDate: iso(inDays(60)) }, later);
            assert.ok(plan.changes);
            assert.deepEqual(plan.replaces, ["expirationDate"]);
        });
    }

    it("an API-default (or rotation) expiry that has passed is still renewed", () => {
        const legacy = created({ name: "d", apiVersion: "v3" });
        const withDefault = {
            ...legacy,
            expirationDate: iso(inDays(180)),
            expirationDateSource: "apiDefault" as const,
        };
        assert.match(
            planDiff(withDefault, { name: "d", apiVersion: "v3" }, inDays(181)).renewal ?? "",
            /expired/,
        );
    });
});

describe("turning rotation off", () => {
    const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
    for (const apiVersion of ["v3", "v1"] as const) {
        it(`${apiVersion}: drops the generation suffix from the API name in the same update`, () => {
            const state = created({ name: "ci", apiVersion, rotation });
            assert.match(state.tokenName ?? "", /^ci-\d{8}T\d{6}Z-0a1b2c3d$/);
            const off: CheckedInputs =
                apiVersion === "v1"
                    ? { name: "ci", apiVersion, expirationDate: iso(inDays(60)) }
                    : { name: "ci", apiVersion };
            const now = inDays(1);
            const plan = planDiff(state, off, now);
            assert.ok(plan.updates.includes("name"), JSON.stringify(plan));
            const patch = planPatch(state, off, now);
            assert.deepEqual(patch[0], { op: "replace", path: "/name", value: "ci" });
            // After that update the API name is "ci": the next diff is empty.
            const record: TokenRecord = {
                id: "e".repeat(32),
                name: "ci",
                scope: null,
                owner: state.owner,
                created: state.created,
                lastUsed: null,
                managed: false,
                accessTokenValiditySeconds: 43200,
                expirationDate: off.expirationDate ?? state.expirationDate ?? null,
                userAwareTokenNeverExpires: false,
            };
            const after = outputsFrom(record, off, state.secret);
            assert.equal(planDiff(after, off, now).changes, false);
        });
    }
});

describe("what check accepts, the API is sent in its own spelling", () => {
    const now = T0;
    for (const [spelling, wire] of [
        ["2026-06-01 00:00:00Z", "2026-06-01T00:00:00Z"],
        ["2026-06-01t00:00:00z", "2026-06-01T00:00:00Z"],
        ["2026-06-01T02:00:00+02:00", "2026-06-01T00:00:00Z"],
        ["2026-06-01T00:00:00.250Z", "2026-06-01T00:00:00.250Z"],
    ]) {
        it(`${spelling} passes check and is sent as ${wire}`, () => {
            const { inputs, failures } = validateInputs(
                { name: "x", apiVersion: "v1", expirationDate: spelling },
                { now, defaultApiVersion: "v1" },
            );
            assert.deepEqual(failures, []);
            assert.equal(createRequestFrom(inputs, now, "0a1b2c3d").expirationDate, wire);
            assert.equal(wireDate(spelling), wire);
        });
    }
    for (const spelling of ["2026-06-01T00:00:00+0200", "2026-06-01T00:00:00+02", "2026-06-01T00:00:00"]) {
        it(`${spelling} fails check`, () => {
            const { failures } = validateInputs(
                { name: "x", apiVersion: "v1", expirationDate: spelling },
                { now, defaultApiVersion: "v1" },
            );
            assert.equal(failures[0]?.property, "expirationDate");
            assert.match(failures[0].reason, /RFC 3339/);
        });
    }
    it("scope [] fails check, as the API refuses it", () => {
        const { failures } = validateInputs(
            { name: "x", scope: [], userAwareTokenNeverExpires: true },
            { now, defaultApiVersion: "v1" },
        );
        assert.equal(failures[0]?.property, "scope");
        assert.match(failures[0].reason, /at least one scope/);
    });
});

describe("turning rotation on", () => {
    const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
    it("keeps a dated token until its window, and replaces a never-expiring one at once, new first", () => {
        const dated = created({ name: "ci", apiVersion: "v1", expirationDate: iso(inDays(60)) });
        const on: CheckedInputs = { name: "ci", apiVersion: "v1", rotation };
        assert.deepEqual(planDiff(dated, on, inDays(1)).replaces, []);
        assert.deepEqual(planDiff(dated, on, inDays(53)).replaces, ["expirationDate"]);
        const never = created({ name: "ci", apiVersion: "v1", userAwareTokenNeverExpires: true });
        const plan = planDiff(never, on, inDays(1));
        assert.deepEqual(plan.replaces, ["expirationDate"]);
        assert.equal(plan.deleteBeforeReplace, false);
    });
});

describe("one precedence for the expiry", () => {
    it("rotation wins over a declared expirationDate in the create body and in the outputs alike", () => {
        // check refuses the pair; the class is usable without it, so the two must still agree.
        const inputs: CheckedInputs = {
            name: "ci",
            apiVersion: "v2025",
            rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
            expirationDate: iso(inDays(200)),
        };
        const body = createRequestFrom(inputs, T0, "0a1b2c3d");
        assert.equal(body.expirationDate, iso(inDays(30)));
        const outs = created(inputs);
        assert.equal(expirySourceOf(outs), "rotation");
        assert.equal(outs.expirationDate, inDays(30).toISOString(), "written in the package's spelling");
    });
});

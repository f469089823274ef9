// Rotation and expiry decisions, with time passed explicitly: no sleeping, no real clock.
import assert from "node:assert/strict";
import type { TokenRecord } from "../../wire/api-types";
import { expirySourceOf } from "../../provider/rules/stored";
import { createRequestFrom, inputsFrom, outputsFrom } from "../../provider/rules/outputs";
import { planDiff, planPatch } from "../../provider/rules/plan";
import {
    apiNameFor,
    generationName,
    isNameOf,
    renewalReason,
    rotationDueAt,
} from "../../provider/rules/rotation";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { validateInputs } from "../../provider/rules/validate";
import { DAY } from "../support/time";

const T0 = new Date("2026-11-23T10:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const rotation = { expiresInDays: 90, rotateBeforeDays: 14 };
const declared: CheckedInputs = { name: "ci", apiVersion: "v1", scope: ["sp:scopes:default"], rotation };

/** The state after creating `declared` at T0, as the API would answer. */
function createdAt(now: Date): TokenOutputs {
    const body = createRequestFrom(declared, now, "0a1b2c3d");
    const record: TokenRecord = {
        id: "a".repeat(32),
        name: body.name,
        scope: body.scope ?? null,
        owner: { type: "IDENTITY", id: "owner", name: "Owner" },
        created: now.toISOString(),
        lastUsed: null,
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: body.expirationDate ?? null,
        userAwareTokenNeverExpires: false,
    };
    return outputsFrom(record, declared, "b".repeat(64));
}

describe("rotation", () => {
    it("names each generation after its creation time and a disambiguator, and keeps the suffix on a rename", () => {
        assert.equal(generationName("ci", T0, "0a1b2c3d"), "ci-20261123T100000Z-0a1b2c3d");
        assert.throws(() => generationName("ci", T0, ""), /not a generation disambiguator/);
        assert.ok(isNameOf("ci-20261123T100000Z-0a1b2c3d", "ci", rotation));
        assert.ok(!isNameOf("ci-20261123T100000Z-0a1b2c3d", "ci", undefined));
        assert.ok(!isNameOf("cix-20261123T100000Z-0a1b2c3d", "ci", rotation));
        assert.ok(!isNameOf("ci-20261123T100000Z-0A1B2C3D", "ci", rotation), "lowercase hex only");
        assert.equal(
            apiNameFor("deploy", rotation, "ci-20261123T100000Z-0a1b2c3d"),
            "deploy-20261123T100000Z-0a1b2c3d",
        );
        assert.equal(apiNameFor("deploy", undefined, "ci"), "deploy");
    });

    it("reads the names of generations made before the disambiguator (time only): older stacks' state", () => {
        assert.ok(isNameOf("ci-20261123T100000Z", "ci", rotation));
        assert.ok(!isNameOf("cix-20261123T100000Z", "ci", rotation));
        assert.equal(apiNameFor("deploy", rotation, "ci-20261123T100000Z"), "deploy-20261123T100000Z");
        const record = { ...({} as TokenRecord), name: "ci-20261123T100000Z" };
        assert.equal(outputsFrom(record as TokenRecord, declared, "").name, "ci", "no drift on the name");
    });

    it("creates a generation that expires expiresInDays after creation", () => {
        const body = createRequestFrom(declared, T0, "0a1b2c3d");
        assert.equal(body.name, "ci-20261123T100000Z-0a1b2c3d");
        assert.equal(body.expirationDate, "2027-02-21T10:00:00Z");
        const outs = createdAt(T0);
        assert.equal(outs.name, "ci");
        assert.equal(outs.tokenName, "ci-20261123T100000Z-0a1b2c3d");
        assert.equal(expirySourceOf(outs), "rotation");
        assert.equal(outs.rotationDueAt, "2027-02-07T10:00:00.000Z");
        assert.deepEqual(inputsFrom(outs), declared, "refresh gives back exactly the declared inputs");
    });

    it("changes nothing before the window, and rotates, new token first, from its first day", () => {
        const outs = createdAt(T0);
        for (const day of [0, 30, 75.9])
            assert.equal(planDiff(outs, declared, at(day)).changes, false, `day ${day}`);
        const plan = planDiff(outs, declared, at(76));
        assert.deepEqual(plan.replaces, ["expirationDate"]);
        assert.equal(plan.deleteBeforeReplace, false, "generations have different names: no gap");
        assert.match(
            plan.renewal ?? "",
            /expires on 2027-02-21T10:00:00.000Z, inside the 14-day rotation window/,
        );
        const next = createRequestFrom(declared, at(76), "0a1b2c3d");
        assert.notEqual(
            next.name,
            outs.tokenName,
            "the incoming token's name differs from the outgoing one's",
        );
    });

    it("renews an expired token whatever made its expiry; without rotation the name is kept, so delete first", () => {
        const legacy: CheckedInputs = { name: "old", apiVersion: "v3" };
        const outs = {
            ...createdAt(T0),
            rotation: undefined,
            name: "old",
            tokenName: "old",
            apiVersion: "v3" as const,
        };
        delete outs.rotation;
        const plan = planDiff(outs, legacy, at(91));
        assert.deepEqual(plan.replaces, ["expirationDate"]);
        assert.equal(plan.deleteBeforeReplace, true);
        assert.match(plan.renewal ?? "", /expired on 2027-02-21T10:00:00.000Z/);
        assert.equal(renewalReason(outs, undefined, at(89)), undefined);
    });

    it("rotates a never-expiring token once rotation is declared", () => {
        const outs = { ...createdAt(T0), expirationDate: null };
        assert.match(renewalReason(outs, rotation, T0) ?? "", /never expires/);
        assert.equal(rotationDueAt(rotation, null), null);
    });

    it("applies new rotation settings in place, with no API request", () => {
        const outs = createdAt(T0);
        const changed = { ...declared, rotation: { expiresInDays: 60, rotateBeforeDays: 7 } };
        const plan = planDiff(outs, changed, at(1));
        assert.deepEqual(plan.updates, ["rotation"]);
        assert.deepEqual(planPatch(outs, changed, at(1)), []);
    });

    it("renames a rotating token in place, keeping its generation suffix", () => {
        const outs = createdAt(T0);
        const ops = planPatch(outs, { ...declared, name: "deploy" }, at(1));
        assert.deepEqual(ops, [{ op: "replace", path: "/name", value: "deploy-20261123T100000Z-0a1b2c3d" }]);
    });

    it("validates rotation settings in check", () => {
        const failures = (inputs: Record<string, unknown>) =>
            validateInputs({ name: "ci", ...inputs }, { now: T0, defaultApiVersion: "v1" }).failures;
        assert.deepEqual(failures({ rotation }), [], "no acknowledgment needed: rotated tokens expire");
        assert.match(
            failures({ rotation, expirationDate: "2027-01-01T00:00:00Z" })[0].reason,
            /cannot be combined/,
        );
        const inverted = failures({ rotation: { expiresInDays: 10, rotateBeforeDays: 10 } });
        assert.equal(inverted[0].property, "rotation.rotateBeforeDays");
        const tooLong = failures({
            apiVersion: "v2024",
            rotation: { expiresInDays: 200, rotateBeforeDays: 14 },
        });
        assert.equal(tooLong[0].property, "rotation.expiresInDays");
        assert.match(tooLong[0].reason, /at most 180 days/);
        // 6 months can be as short as 181 days (31 August to 28 February): 181 sits on the API's edge.
        assert.equal(
            failures({ apiVersion: "v2024", rotation: { expiresInDays: 181, rotateBeforeDays: 14 } })[0]
                ?.property,
            "rotation.expiresInDays",
        );
        assert.deepEqual(
            failures({ apiVersion: "v2024", rotation: { expiresInDays: 180, rotateBeforeDays: 14 } }),
            [],
        );
        for (const apiVersion of ["v1", "v2025"] as const) {
            const huge = failures({ apiVersion, rotation: { expiresInDays: 1e9, rotateBeforeDays: 14 } });
            assert.equal(huge[0]?.property, "rotation.expiresInDays", "1e9 days is no date the API can hold");
            assert.match(huge[0].reason, /from 1 to 36500/);
        }
        const unknown = failures({ rotation: { ...rotation, graceDays: 3 } });
        assert.equal(unknown[0].property, "rotation.graceDays");
        assert.match(unknown[0].reason, /valid ones are: expiresInDays, rotateBeforeDays/);
        assert.equal(
            failures({ rotation: { expiresInDays: 0, rotateBeforeDays: 0 } })[0].property,
            "rotation.expiresInDays",
        );
    });
});

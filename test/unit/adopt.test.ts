// The pure parts of adoption: the patch that takes a token over, what blocks it, the name-clash
// message, and how planDiff treats a token whose secret is unknown.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { TokenRecord } from "../../wire/api-types";
import { AdoptionError, adoptionPatch, keepAdoption, nameConflictMessage } from "../../provider/create/adopt";
import { outputsFrom } from "../../provider/rules/outputs";
import { planDiff } from "../../provider/rules/plan";
import { UNKNOWN, type CheckedInputs, type TokenOutputs } from "../../provider/rules/types";
import { LEGACY_VERSIONS, MODERN_VERSIONS_TEXT } from "../../provider/rules/versions";

// Every decision here takes NOW, so these dates hold whatever the wall clock says.
const NOW = new Date("2026-11-23T10:00:00Z");
const LATER = "2027-06-30T00:00:00Z";

function record(extra: Partial<TokenRecord> = {}): TokenRecord {
    return {
        id: "0123456789abcdef0123456789abcdef",
        name: "legacy-ci",
        scope: ["sp:scopes:default"],
        owner: { type: "IDENTITY", id: "2c9180835d2e5168015d32f890ca1581", name: "alice" },
        created: "2026-01-01T00:00:00.123456Z",
        lastUsed: "2026-11-20T00:00:00Z",
        managed: false,
        accessTokenValiditySeconds: 43200,
        expirationDate: LATER,
        userAwareTokenNeverExpires: false,
        ...extra,
    };
}

const declared: CheckedInputs = {
    name: "legacy-ci",
    scope: ["sp:scopes:default"],
    expirationDate: LATER,
    apiVersion: "v2025",
    adoptTokenId: "0123456789abcdef0123456789abcdef",
};

/** The state right after adopting `r` as `inputs` (what create returns). */
function adopted(r: TokenRecord, inputs: CheckedInputs): TokenOutputs {
    return { ...outputsFrom(r, inputs, ""), adoptTokenId: r.id };
}

describe("adoption (pure)", () => {
    it("adopts a token that matches the declaration with no request, and the next diff shows no change", () => {
        assert.deepEqual(adoptionPatch(record(), declared, NOW), []);
        const state = adopted(record(), declared);
        assert.equal(state.secretKnown, false);
        assert.equal(state.secret, "");
        assert.equal(state.adoptTokenId, record().id);
        assert.deepEqual(planDiff(state, declared, NOW), {
            changes: false,
            updates: [],
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("patches exactly what differs: name, scope, expiry on v2025", () => {
        const ops = adoptionPatch(
            record({ name: "old", scope: null, expirationDate: "2027-01-01T00:00:00Z" }),
            declared,
            NOW,
        );
        assert.deepEqual(ops, [
            { op: "replace", path: "/name", value: "legacy-ci" },
            { op: "replace", path: "/scope", value: ["sp:scopes:default"] },
            { op: "replace", path: "/expirationDate", value: LATER },
        ]);
    });

    it("refuses what cannot change in place, naming the property and both values", () => {
        const error = (() => {
            try {
                adoptionPatch(record({ accessTokenValiditySeconds: 3600 }), declared, NOW);
            } catch (e) {
                return e as Error;
            }
            throw new Error("expected a refusal");
        })();
        assert.ok(error instanceof AdoptionError);
        assert.match(error.message, /accessTokenValiditySeconds is 3600 at the API, null in the program/);
        assert.throws(
            () =>
                adoptionPatch(
                    record({ expirationDate: "2027-01-01T00:00:00Z" }),
                    { ...declared, apiVersion: "v3" },
                    NOW,
                ),
            /expirationDate is "2027-01-01T00:00:00Z" at the API.*cannot change in place on apiVersion v3/,
        );
    });

    it("refuses an expired token (suggesting its deletion) and a platform-managed one", () => {
        assert.throws(
            () => adoptionPatch(record({ expirationDate: "2026-11-01T00:00:00Z" }), declared, NOW),
            /expired on 2026-11-01T00:00:00Z, so it cannot be adopted: delete it \(DELETE \/v2025\/personal-access-tokens\/0123/,
        );
        assert.throws(
            () => adoptionPatch(record({ managed: true }), declared, NOW),
            /managed by the platform/,
        );
    });

    it("with rotation, caps the expiry at expiresInDays from now; the first rotation gives it a secret", () => {
        const rotating: CheckedInputs = {
            name: "legacy-ci",
            scope: ["sp:scopes:default"],
            apiVersion: "v2025",
            rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
        };
        const r = record({ expirationDate: null, userAwareTokenNeverExpires: true });
        const ops = adoptionPatch(r, rotating, NOW);
        assert.deepEqual(ops, [{ op: "replace", path: "/expirationDate", value: "2026-12-23T10:00:00Z" }]);
        const state = adopted({ ...r, expirationDate: "2026-12-23T10:00:00Z" }, rotating);
        assert.equal(planDiff(state, rotating, NOW).changes, false, "kept until the rotation is due");
        const due = planDiff(state, rotating, new Date("2026-12-17T00:00:00Z"));
        assert.deepEqual(due.replaces, ["expirationDate"]);
        assert.equal(due.deleteBeforeReplace, false, "the new generation comes first");
    });

    it("with rotation on beta/v3/v2024, refuses a token expiring later than expiresInDays allows (its expiry cannot be patched there)", () => {
        for (const apiVersion of LEGACY_VERSIONS) {
            const rotating: CheckedInputs = {
                name: "legacy-ci",
                scope: ["sp:scopes:default"],
                apiVersion,
                rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
            };
            // 175 days ahead: the rotation allows 30.
            const late = record({ expirationDate: "2027-05-17T10:00:00Z" });
            assert.throws(
                () => adoptionPatch(late, rotating, NOW),
                (e: Error) =>
                    e instanceof AdoptionError &&
                    /expires on 2027-05-17T10:00:00Z, later than rotation.expiresInDays \(30 days: by 2026-12-23T10:00:00Z\)/.test(
                        e.message,
                    ) &&
                    new RegExp(`apiVersion ${apiVersion} cannot change a token's expiry in place`).test(
                        e.message,
                    ) &&
                    e.message.includes(`apiVersion ${MODERN_VERSIONS_TEXT}`),
            );
            // Within the rotation's lifetime: adopted as it is, its real expiry in the state.
            const soon = record({ expirationDate: "2026-12-20T00:00:00Z" });
            assert.deepEqual(adoptionPatch(soon, rotating, NOW), []);
            assert.equal(adopted(soon, rotating).expirationDate, "2026-12-20T00:00:00.000Z");
        }
    });

    it("the name-clash message names the token and the exact ways out, and deletes nothing", () => {
        const text = nameConflictMessage(
            record({ lastUsed: null }),
            { ...declared, adoptTokenId: undefined },
            new Error(
                "create personal access token failed: POST /v2025/personal-access-tokens returned HTTP 400",
            ),
        );
        assert.match(text, /^create personal access token failed: .*HTTP 400\. /);
        assert.match(
            text,
            /token 0123456789abcdef0123456789abcdef \("legacy-ci"\), created 2026-01-01T00:00:00\.123456Z, last used never/,
        );
        assert.match(text, /Nothing was deleted/);
        assert.match(text, /pulumi cancel --yes/);
        assert.match(text, /pulumi refresh --clear-pending-creates --yes/);
        assert.match(text, /onNameConflict: "replace"/);
        assert.match(text, /pulumi up --replace`.*run it again with --refresh/);
        assert.match(text, /adoptTokenId: "0123456789abcdef0123456789abcdef"/);
        assert.match(text, /DELETE \/v2025\/personal-access-tokens\/0123456789abcdef0123456789abcdef/);
    });

    it("an update keeps the record of the adoption", () => {
        const olds = adopted(record(), declared);
        const outs = outputsFrom(record({ name: "renamed" }), { ...declared, adoptTokenId: undefined }, "");
        assert.equal(keepAdoption(olds, outs).adoptTokenId, record().id);
    });
});

describe("planDiff: a token whose secret is unknown", () => {
    const inputs: CheckedInputs = {
        name: "legacy-ci",
        scope: ["sp:scopes:default"],
        apiVersion: "v2025",
        expirationDate: LATER,
    };
    const ours = { ...outputsFrom(record(), inputs, "") }; // our create lost it: no adoptTokenId

    it("our own lost secret is replaced, delete first; an adopted token is kept unless the program opts in", () => {
        assert.deepEqual(planDiff(ours, inputs, NOW).replaces, ["secret"]);
        assert.equal(planDiff(ours, inputs, NOW).deleteBeforeReplace, true);
        const kept = adopted(record(), inputs);
        assert.equal(planDiff(kept, inputs, NOW).changes, false);
        const optIn = planDiff(
            { ...kept, replaceIfSecretUnknown: true },
            { ...inputs, replaceIfSecretUnknown: true },
            NOW,
        );
        assert.deepEqual(optIn.replaces, ["secret"]);
        assert.equal(optIn.deleteBeforeReplace, true);
        // Unknown at preview: shown as the replacement it may be.
        assert.ok(
            planDiff(kept, { ...inputs, replaceIfSecretUnknown: UNKNOWN as never }, NOW).replaces.includes(
                "secret",
            ),
        );
    });

    it("a change of onNameConflict or replaceIfSecretUnknown alone is an update with no request", () => {
        const state = outputsFrom(record(), inputs, "known-secret-value");
        const plan = planDiff(state, { ...inputs, onNameConflict: "replace" }, NOW);
        assert.deepEqual(plan.updates, ["onNameConflict"]);
        assert.deepEqual(plan.replaces, []);
    });

    it("property: a state with a secret is never replaced for it; without one, only an adopted token without opt-in is kept", () => {
        fc.assert(
            fc.property(
                fc.boolean(),
                fc.boolean(),
                fc.constantFrom(undefined, null, false, true),
                (hasSecret, wasAdopted, optIn) => {
                    const state: Partial<TokenOutputs> = {
                        ...outputsFrom(record(), inputs, hasSecret ? "known-secret-value" : ""),
                        ...(wasAdopted ? { adoptTokenId: record().id } : {}),
                        ...(optIn != null ? { replaceIfSecretUnknown: optIn } : {}),
                    };
                    const replaced = planDiff(
                        state,
                        { ...inputs, replaceIfSecretUnknown: optIn },
                        NOW,
                    ).replaces.includes("secret");
                    assert.equal(replaced, !hasSecret && (!wasAdopted || optIn === true));
                },
            ),
        );
    });
});

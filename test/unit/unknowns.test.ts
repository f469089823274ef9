// A fuzz of unknowns: during preview any input, or any element or field inside one, may be the
// engine's placeholder. check and diff never throw and never fail on it, and the plan lists what
// may change. Plain and rotating tokens, every API version, at any moment of a token's life.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ApiVersion, TokenRecord } from "../../wire/api-types";
import { createRequestFrom, outputsFrom } from "../../provider/rules/outputs";
import { planDiff } from "../../provider/rules/plan";
import { PersonalAccessTokenProvider } from "../../provider/dynamic/provider";
import { INPUT_NAMES, UNKNOWN, type CheckedInputs, type TokenOutputs } from "../../provider/rules/types";
import { validateInputs } from "../../provider/rules/validate";
import { API_VERSIONS, hasModernExpiry } from "../../provider/rules/versions";
import { DAY } from "../support/time";

/** The moment the token was made; the fuzz moves "now" from there. Every date derives from it. */
const T0 = new Date("2026-03-10T08:00:00Z");

type Raw = Record<string, unknown>;

/** Valid inputs, plain (a date, or none) or rotating, for any version. */
const validInputs: fc.Arbitrary<Raw> = fc
    .record({
        version: fc.constantFrom(...API_VERSIONS),
        name: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/),
        scope: fc.option(
            fc.uniqueArray(fc.constantFrom("sp:scopes:default", "sp:scopes:all", "idn:a:b"), {
                minLength: 1,
            }),
            { nil: undefined },
        ),
        validity: fc.option(fc.integer({ min: 15, max: 43200 }), { nil: undefined }),
        expiryDays: fc.option(fc.integer({ min: 1, max: 170 }), { nil: undefined }),
        rotation: fc.option(
            fc.integer({ min: 2, max: 180 }).chain((expiresInDays) =>
                fc.record({
                    expiresInDays: fc.constant(expiresInDays),
                    rotateBeforeDays: fc.integer({ min: 0, max: expiresInDays - 1 }),
                    overlapDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
                }),
            ),
            { nil: undefined },
        ),
    })
    .map(({ version, name, scope, validity, expiryDays, rotation }) => {
        const raw: Raw = { name, apiVersion: version };
        if (scope) raw.scope = scope;
        if (validity !== undefined) raw.accessTokenValiditySeconds = validity;
        if (rotation) {
            const { overlapDays, ...settings } = rotation;
            raw.rotation = overlapDays === undefined ? settings : rotation;
        } else if (expiryDays !== undefined)
            raw.expirationDate = new Date(T0.getTime() + expiryDays * DAY).toISOString();
        else if (hasModernExpiry(version)) raw.userAwareTokenNeverExpires = true;
        return raw;
    });

/** Every place an unknown can sit in these inputs: a property, a scope element, a rotation field. */
function unknownablePaths(raw: Raw): string[][] {
    const paths: string[][] = INPUT_NAMES.map((p) => [p]);
    if (Array.isArray(raw.scope)) raw.scope.forEach((_, i) => paths.push(["scope", String(i)]));
    if (raw.rotation) paths.push(["rotation", "expiresInDays"], ["rotation", "rotateBeforeDays"]);
    if ((raw.rotation as Record<string, unknown> | undefined)?.overlapDays !== undefined)
        paths.push(["rotation", "overlapDays"]);
    return paths;
}

function withUnknowns(raw: Raw, paths: string[][]): Raw {
    const copy = structuredClone(raw);
    for (const path of paths) {
        let target: Record<string, unknown> = copy;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        // Inside a value that is unknown as a whole already: nothing more to hide.
        if (typeof target === "object") target[path[path.length - 1]] = UNKNOWN;
    }
    return copy;
}

/** The state after creating `raw` at T0, as the API answers. */
function stateFor(raw: Raw): TokenOutputs {
    const inputs = validateInputs(raw, { now: T0, defaultApiVersion: "v1" }).inputs;
    const body = createRequestFrom(inputs, T0, "0a1b2c3d");
    const legacyDefault = !hasModernExpiry(inputs.apiVersion as ApiVersion) && !body.expirationDate;
    const record: TokenRecord = {
        id: "f".repeat(32),
        name: body.name,
        scope: body.scope ?? null,
        owner: { type: "IDENTITY", id: "owner-1", name: "Owner" },
        created: T0.toISOString(),
        lastUsed: null,
        managed: false,
        accessTokenValiditySeconds: body.accessTokenValiditySeconds ?? 43200,
        expirationDate: legacyDefault
            ? new Date(T0.getTime() + 180 * DAY).toISOString()
            : (body.expirationDate ?? null),
        userAwareTokenNeverExpires: body.userAwareTokenNeverExpires ?? false,
    };
    return outputsFrom(record, inputs, "s".repeat(64));
}

/** The property a plan must name when `path` is unknown; undefined when nothing need change. */
function mustName(path: string[], raw: Raw): string | undefined {
    const [top] = path;
    if (top === "apiVersion") return undefined; // a version change alone changes nothing
    if (top === "expirationDate" && raw.rotation) return undefined; // rotation owns the expiry
    if (top === "adoptTokenId") return undefined; // read only by create: an existing token keeps its id
    return top;
}

describe("unknowns in check and diff (fuzz)", () => {
    it("never throw, never fail, and the plan names what may change", async () => {
        await fc.assert(
            fc.asyncProperty(
                validInputs.chain((raw) =>
                    fc.record({
                        raw: fc.constant(raw),
                        paths: fc.subarray(unknownablePaths(raw), { minLength: 1 }),
                        days: fc.integer({ min: 0, max: 400 }),
                        // A rotating token's previous generation in (or past) its overlap.
                        previous: fc.boolean(),
                    }),
                ),
                async ({ raw, paths, days, previous }) => {
                    const now = new Date(T0.getTime() + days * DAY);
                    const olds = stateFor(raw);
                    if (previous && raw.rotation) {
                        const worksUntil = new Date(T0.getTime() + 3 * DAY).toISOString();
                        olds.previousGeneration = { id: "e".repeat(32), tokenName: "prev", worksUntil };
                    }
                    const provider = new PersonalAccessTokenProvider({
                        now: () => now,
                        notify: () => undefined,
                    });
                    const news = withUnknowns(raw, paths);
                    // check: as a new resource at T0 (valid then), and as an update of the state at `now`.
                    for (const [prior, at] of [
                        [{}, T0],
                        [raw, now],
                    ] as const) {
                        const checked = validateInputs(news, { now: at, defaultApiVersion: "v1", prior });
                        assert.deepEqual(checked.failures, [], `check of ${JSON.stringify(news)}`);
                    }
                    const checked = await provider.check(raw, news);
                    assert.deepEqual(checked.failures ?? [], []);
                    const diff = await provider.diff(olds.name, olds, checked.inputs as CheckedInputs);
                    const plan = planDiff(olds, checked.inputs as CheckedInputs, now);
                    for (const path of paths) {
                        const named = mustName(path, raw);
                        if (!named) continue;
                        assert.ok(diff.changes, `unknown ${path.join(".")} may change the token`);
                        assert.ok(
                            [...plan.updates, ...plan.replaces].includes(named),
                            `unknown ${path.join(".")}: the plan names ${named} (${JSON.stringify(plan)})`,
                        );
                    }
                    if (paths.some((p) => p[0] === "accessTokenValiditySeconds"))
                        assert.ok(
                            plan.replaces.includes("accessTokenValiditySeconds"),
                            "a validity change replaces",
                        );
                },
            ),
            { numRuns: 400, seed: 9 },
        );
    });

    it("an unknown rotation, or an unknown rotateBeforeDays, may rotate: the preview shows a replacement", () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
        const olds = stateFor({ name: "ci", apiVersion: "v1", rotation });
        const now = new Date(T0.getTime() + DAY);
        for (const news of [
            { name: "ci", apiVersion: "v1", rotation: UNKNOWN },
            { name: "ci", apiVersion: "v1", rotation: { ...rotation, rotateBeforeDays: UNKNOWN } },
        ]) {
            const checked = validateInputs(news, { now, defaultApiVersion: "v1", prior: { ...olds } });
            assert.deepEqual(checked.failures, []);
            const plan = planDiff(olds, checked.inputs, now);
            assert.ok(plan.replaces.includes("rotation"), JSON.stringify(plan));
        }
    });
});

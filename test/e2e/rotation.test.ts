// Rotation under the engine: a token inside its window is rotated by one plain `pulumi up`, with no
// refresh (the README: the decision is made from the expiry in the state and the current time).
// Time is moved, not waited for: the token's expiry is brought forward, in the state and at the
// emulator alike, as if weeks had passed.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runIscPat } from "../support/bin";
import { shiftedEnv } from "../support/clock-shift";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { useStack } from "../support/stack";
import { DAY } from "../support/time";

/**
 * Brings the state's record of the tokens' expiry (and so their rotationDueAt) to `expirationDate`, as
 * the current time moving weeks ahead would bring it closer: export, edit, import; no refresh.
 */
async function expireInState(project: Project, expirationDate: string, rotateBeforeDays: number, count = 1) {
    const state = JSON.parse((await project.exportState()).text);
    const tokens = (
        state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]
    ).filter((r) => r.type === "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken");
    assert.equal(tokens.length, count);
    for (const token of tokens) {
        token.outputs.expirationDate = expirationDate;
        token.outputs.rotationDueAt = new Date(
            Date.parse(expirationDate) - rotateBeforeDays * DAY,
        ).toISOString();
    }
    const file = join(project.home, "edited-state.json");
    writeFileSync(file, JSON.stringify(state));
    await project.run(["stack", "import", "--file", file]);
}

describe("end to end: rotation", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {
        token: { name: "rotating", rotation: { expiresInDays: 30, rotateBeforeDays: 7 } },
    });

    it("rotates a token inside its window in one up, no refresh: new secret in the outputs, old token gone, then nothing", async () => {
        /** Requests to the PAT API (not the token endpoint), by operation. */
        const apiCalls = () =>
            ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const first = ctx.project.outputs(true);
        hygiene.secret(first.clientSecret as string);
        const [token] = ctx.h.emulator.tokens();
        assert.match(token.name, /^rotating-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
        // No change right after the create: convergence.test.ts checks it for this rotation.

        // Three days before expiry: inside the 7-day window. No refresh from here on.
        const soon = new Date(Date.now() + 3 * DAY).toISOString();
        ctx.h.emulator.patchToken(token.id, { expirationDate: soon });
        await expireInState(ctx.project, soon, 7);

        ctx.h.emulator.resetRequests();
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.deepEqual(apiCalls(), [], "the preview decided without asking the API");
        assert.match(
            preview.output,
            /PersonalAccessToken "rotating": the token expires on .*, inside the 7-day rotation window/,
        );
        assert.match(preview.stdout, /\+-.*replace/);

        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const second = ctx.project.outputs(true);
        hygiene.secret(second.clientSecret as string);
        assert.notEqual(second.clientId, first.clientId);
        assert.ok(ctx.h.emulator.verifySecret(second.clientId as string, second.clientSecret as string));
        assert.deepEqual(
            ctx.h.emulator.tokens().map((t) => t.id),
            [second.clientId],
            "the outgoing token is gone",
        );
        assert.deepEqual(
            apiCalls(),
            ["create", "delete"],
            "no read first; the new token exists before the old one goes",
        );

        await ctx.project.run(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    });

    // The same stack, now with an overlap: the rotated-out token keeps working for consumers outside
    // the program, and a destroy in the middle of the overlap removes every generation.
    it("rotates with overlapDays: the previous token keeps working, named in previousGeneration; destroy mid-overlap leaves the emulator empty", async () => {
        const apiCalls = () =>
            ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation);
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 1 };
        await ctx.project.setConfig("token", { name: "rotating", rotation });
        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        assert.deepEqual(apiCalls(), [], "an overlapDays change alone is recorded, nothing is sent");

        const before = ctx.project.outputs(true);
        const soon = new Date(Date.now() + 3 * DAY).toISOString();
        ctx.h.emulator.patchToken(before.clientId as string, { expirationDate: soon });
        await expireInState(ctx.project, soon, 7);
        const preview = await ctx.project.run(["preview", "--diff"]);
        assert.match(
            preview.output,
            new RegExp(
                `the outgoing token ${before.clientId as string} \\("rotating-\\d{8}T\\d{6}Z-[0-9a-f]{8}"\\) keeps working until `,
            ),
        );

        ctx.h.emulator.resetRequests();
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const after = ctx.project.outputs(true);
        hygiene.secret(after.clientSecret as string);
        assert.deepEqual(
            apiCalls(),
            ["create", "patch"],
            "the outgoing token's expiry is brought forward, not deleted",
        );
        assert.deepEqual(
            ctx.h.emulator
                .tokens()
                .map((t) => t.id)
                .sort(),
            [before.clientId, after.clientId].sort(),
        );
        // The state names the previous generation (never its secret) until when it works.
        const state = JSON.parse((await ctx.project.exportState()).text);
        const [resource] = (
            state.deployment.resources as { type: string; outputs: Record<string, unknown> }[]
        ).filter((r) => r.type === "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken");
        const previous = resource.outputs.previousGeneration as Record<string, string>;
        assert.deepEqual(Object.keys(previous).sort(), ["id", "tokenName", "worksUntil"]);
        assert.equal(previous.id, before.clientId);
        const worksUntil = Date.parse(previous.worksUntil);
        assert.ok(Math.abs(worksUntil - (Date.now() + DAY)) < 600_000, previous.worksUntil);
        const outgoing = ctx.h.emulator.tokens().find((t) => t.id === before.clientId);
        assert.equal(Date.parse(outgoing?.expirationDate ?? ""), worksUntil);
        assert.ok(ctx.h.emulator.verifySecret(before.clientId as string, before.clientSecret as string));
        await ctx.project.run(["preview", "--expect-no-changes"]);

        // isc-pat audit counts both generations as the stack's.
        const audit = await runIscPat(ctx.project, ["audit", "--stack", ctx.project.stack, "--json"]);
        assert.equal(audit.status, 0, audit.stderr);
        const entries = JSON.parse(audit.stdout) as { id: string; managed: boolean; findings: string[] }[];
        assert.deepEqual(
            entries.map((e) => [e.id, e.managed]).sort(),
            [
                [before.clientId, true],
                [after.clientId, true],
            ].sort(),
        );

        // Two days on (the clock of the Node processes the CLI starts): the overlap has ended, and the
        // preview shows the update that deletes the previous token, naming it. The preview sends nothing.
        const env = ctx.project.env;
        const { NODE_OPTIONS, ISC_PAT_CLOCK_SHIFT_MS } = shiftedEnv(2 * DAY, {});
        Object.assign(env, { NODE_OPTIONS, ISC_PAT_CLOCK_SHIFT_MS });
        try {
            ctx.h.emulator.resetRequests();
            const later = await ctx.project.run(["preview", "--diff"]);
            assert.match(
                later.output,
                new RegExp(
                    `the overlap of the previous generation ${previous.id} \\(.*\\) ended at .*: this up deletes it`,
                ),
            );
            assert.match(later.stdout, /~ .*update|1 to update/);
            assert.deepEqual(apiCalls(), []);
        } finally {
            delete env.NODE_OPTIONS;
            delete env.ISC_PAT_CLOCK_SHIFT_MS;
        }

        // Destroy in the middle of the overlap.
        await ctx.project.run(["destroy", "--yes", "--skip-preview"]);
        assert.deepEqual(ctx.h.emulator.tokens(), [], "every generation is gone, the one in its overlap too");
    });
    // Two resources of one declared name (as for two scopes of one purpose), with an overlap, made and
    // rotated in one up each. Made in the same second, the time alone in their names clashed (the API's
    // "already exists"). In the rotating up, create gets only the inputs, the same for both. The
    // program's beforeCreate hook holds each create until the other's has started, so the engine has
    // diffed both before the provider sees either create (left to itself, the order is a race): the
    // "ambiguous" rule then gives neither an overlap, no outgoing token is handed to the other
    // resource, and both outgoing tokens go.
    it("two rotating resources of one declared name: both made and rotated in one up each; both diffed before either create, neither gets an overlap, none untracked", async () => {
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7, overlapDays: 1 };
        await ctx.project.setConfig("tokens", {
            twinA: { name: "twin", rotation },
            twinB: { name: "twin", rotation },
        });
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const before = ctx.project.outputs().clientIds as Record<string, string>;
        const made = ctx.h.emulator.tokens();
        assert.equal(made.length, 2);
        for (const t of made) assert.match(t.name, /^twin-\d{8}T\d{6}Z-[0-9a-f]{8}$/);

        const soon = new Date(Date.now() + 3 * DAY).toISOString();
        for (const t of made) ctx.h.emulator.patchToken(t.id, { expirationDate: soon });
        await expireInState(ctx.project, soon, 7, 2);
        ctx.h.emulator.resetRequests();
        const env = ctx.project.env;
        env.E2E_CREATES_TOGETHER = "twinA,twinB";
        let rotated;
        try {
            rotated = await ctx.project.run(["up", "--yes"]);
        } finally {
            delete env.E2E_CREATES_TOGETHER;
        }
        // The overlap the outgoing tokens were promised cannot be kept: the preview and the update say so.
        const [previewed, updated] = rotated.stdout.split(/^Updating \(/m);
        for (const part of [previewed, updated])
            assert.match(
                part ?? "",
                /"twin": .*the provider cannot tell whose outgoing token is whose/,
                rotated.output,
            );
        const after = ctx.project.outputs().clientIds as Record<string, string>;
        const state = JSON.parse((await ctx.project.exportState()).text);
        const previous = Object.fromEntries(
            (state.deployment.resources as { type: string; urn: string; outputs: Record<string, unknown> }[])
                .filter((r) => r.type === "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken")
                .map((r) => [r.urn.split("::").pop(), r.outputs.previousGeneration]),
        );
        for (const key of ["twinA", "twinB"]) {
            assert.notEqual(after[key], before[key], `${key} rotated`);
            assert.equal(previous[key], undefined, `${key} was handed an outgoing token: whose would it be?`);
        }
        assert.deepEqual(
            ctx.h.emulator
                .tokens()
                .map((t) => t.id)
                .sort(),
            [after.twinA, after.twinB].sort(),
            "both outgoing tokens are deleted, nothing is left untracked",
        );
        assert.deepEqual(
            ctx.h.emulator.requests
                .filter((r) => r.operation === "create" || r.operation === "delete")
                .map((r) => r.operation),
            ["create", "create", "delete", "delete"],
            "no expiry patch: no outgoing token is kept",
        );
    });
});

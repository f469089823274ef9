// Every change converges in one `up`: right after it, `pulumi preview --expect-no-changes` passes.
// The table runs in one stack of five tokens, each making its own transition in the same up (one
// CLI run per step keeps the suite's time reasonable; each token's change is independent).
import assert from "node:assert/strict";
import { shiftedEnv } from "../support/clock-shift";
import { inDays } from "../support/harness";
import { useStack } from "../support/stack";
import { DAY } from "../support/time";

describe("end to end: every change converges in one up", function () {
    this.timeout(900_000);
    const ctx = useStack("e2e-program");

    const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
    const names = () =>
        ctx.h.emulator
            .tokens()
            .map((t) => t.name)
            .sort();
    const set = (path: string, value: unknown) => ctx.project.setConfig(`tokens.${path}`, value);

    async function upThenNoChanges(step: string): Promise<void> {
        await ctx.project.run(["up", "--yes", "--skip-preview"]);
        const preview = await ctx.project.run(["preview", "--expect-no-changes"], { allowFailure: true });
        assert.equal(
            preview.status,
            0,
            `${step}: the preview right after the up shows changes:\n${preview.output}`,
        );
    }

    it("rotation on→off→on, expiry set→cleared (v2025), scope list→null→list, rename with a validity change, apiVersion alone", async () => {
        await set("rot", { name: "rot", rotation });
        await set("exp", { name: "exp", apiVersion: "v2025", expirationDate: inDays(30) });
        await set("scope", { name: "scope", scope: ["sp:scopes:default"], expirationDate: inDays(30) });
        await set("ren", { name: "ren-a", accessTokenValiditySeconds: 3600, expirationDate: inDays(30) });
        await set("ver", { name: "ver", apiVersion: "v2025", expirationDate: inDays(30) });
        await set("fixed", { name: "fixed", expirationDate: inDays(30) });
        await upThenNoChanges("create");
        assert.equal(ctx.h.emulator.tokens().length, 6);
        assert.match(names().join(" "), /rot-\d{8}T\d{6}Z-[0-9a-f]{8}/);
        const ids = ctx.project.outputs().clientIds as Record<string, string>;

        // Step 1: rotation off (never expiring), expiry cleared, scope to the default, rename with a
        // new validity (a replacement), apiVersion alone.
        await set("rot.rotation", null);
        await set("rot.userAwareTokenNeverExpires", true);
        await set("exp.expirationDate", null);
        await set("exp.userAwareTokenNeverExpires", true);
        await set("scope.scope", null);
        await set("ren.name", "ren-b");
        await set("ren.accessTokenValiditySeconds", 7200);
        await set("ver.apiVersion", "v1");
        ctx.h.emulator.resetRequests();
        await upThenNoChanges("step 1");
        assert.deepEqual(
            names(),
            ["exp", "fixed", "ren-b", "rot", "scope", "ver"],
            "the generation suffix is gone",
        );
        const byName = new Map(ctx.h.emulator.tokens().map((t) => [t.name, t]));
        assert.equal(byName.get("rot")?.expirationDate, null);
        assert.equal(byName.get("exp")?.expirationDate, null);
        assert.deepEqual(byName.get("scope")?.scope, ["sp:scopes:all"], "the default scope, not null");
        assert.equal(byName.get("ren-b")?.accessTokenValiditySeconds, 7200);
        const after1 = ctx.project.outputs().clientIds as Record<string, string>;
        for (const key of ["rot", "exp", "scope", "ver"])
            assert.equal(after1[key], ids[key], `${key} kept its id`);
        assert.notEqual(after1.ren, ids.ren, "a validity change replaces");
        assert.ok(
            !ctx.h.emulator.requests.some((r) => r.path.endsWith(`/${ids.ver}`)),
            "an apiVersion change alone sends nothing",
        );

        // Step 2: rotation back on, the scope list back.
        await set("rot.userAwareTokenNeverExpires", null);
        await set("rot.rotation", rotation);
        await set("scope.scope", ["sp:scopes:default", "idn:access-request:manage"]);
        await upThenNoChanges("step 2");
        const rot = ctx.h.emulator.tokens().filter((t) => t.name.startsWith("rot"));
        assert.equal(rot.length, 1, "one rotating token, the never-expiring one replaced");
        assert.match(rot[0].name, /^rot-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
        assert.notEqual(rot[0].expirationDate, null);
        assert.equal(ctx.h.emulator.tokens().length, 6, "nothing leaked");
    });

    it("a declared date that has passed since the last up does not block the preview, which says so", async () => {
        // 40 days on, for the Node processes the CLI starts (language host, provider): the clock-shift
        // preload is inherited through NODE_OPTIONS. The Go CLI keeps the real clock; nothing of it
        // decides dates.
        const env = ctx.project.env;
        const { NODE_OPTIONS, ISC_PAT_CLOCK_SHIFT_MS } = shiftedEnv(40 * DAY, {});
        Object.assign(env, { NODE_OPTIONS, ISC_PAT_CLOCK_SHIFT_MS });
        try {
            const preview = await ctx.project.run(["preview"], { allowFailure: true });
            assert.equal(preview.status, 0, preview.output);
            assert.match(
                preview.output,
                /warning: PersonalAccessToken "fixed": the token expired on .* and no longer works; .*Set a later expirationDate/,
            );
            // Those 40 days also put the other dated tokens past their dates: each warns the same way.
            assert.match(preview.output, /warning: PersonalAccessToken "ver": the token expired/);
        } finally {
            delete env.NODE_OPTIONS;
            delete env.ISC_PAT_CLOCK_SHIFT_MS;
        }
    });
});

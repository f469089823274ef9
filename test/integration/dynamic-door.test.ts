// The dynamic door (provider/dynamic/provider.ts): the engine's serialized provider, `__provider`,
// rides along with a dynamic resource's properties. The door takes it off before the core sees them
// and adds it where the host does not (an initialization failure: test/reliability/lost-create.test.ts).
// A state written today, serialized provider and all, keeps loading through every operation.
import assert from "node:assert/strict";
import { PersonalAccessTokenProvider } from "../../provider";
import { PROVIDER_KEY } from "../../provider/dynamic/provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, inDays, useHarness } from "../support/harness";

/** What a stack's state holds under __provider (test/e2e/secrets.test.ts checks the engine writes it). */
const SERIALIZED = `exports.handler = __f0;\n\nfunction __f0() {\n  return (function() {\n    with({  }) {\n\nreturn require("@isc-pat/pulumi-sailpoint-pat/dist/provider/serialized-provider.js");\n\n    }\n  }).apply(undefined, undefined).apply(this, arguments);\n}\n`;

describe("the dynamic door and the serialized provider", () => {
    const ctx = useHarness({ perTest: true });
    const fixed = () =>
        new PersonalAccessTokenProvider({ env: () => ({}), now: () => new Date(Date.UTC(2030, 0, 1)) });

    it("check removes __provider and never reports it as unknown", async () => {
        const raw = { name: "x", apiVersion: "v3", [PROVIDER_KEY]: "serialized-provider-blob" };
        const { inputs, failures } = await fixed().check({ [PROVIDER_KEY]: "old-blob" }, raw);
        assert.deepEqual(failures, []);
        assert.equal(PROVIDER_KEY in (inputs ?? {}), false);
        assert.deepEqual(inputs, { name: "x", apiVersion: "v3" });
        // The caller's object is left alone.
        assert.equal(raw[PROVIDER_KEY], "serialized-provider-blob");
    });

    it("check does not mention __provider when another property is unknown", async () => {
        const { failures } = await fixed().check(
            {},
            { name: "x", apiVersion: "v3", [PROVIDER_KEY]: "p", colour: "red" },
        );
        assert.deepEqual(
            failures?.map((f) => f.property),
            ["colour"],
        );
        assert.doesNotMatch(failures?.[0].reason ?? "", /__provider/);
    });

    it("a state written today (its serialized provider included) is diffed, refreshed, updated and deleted", async () => {
        const p = ctx.h.provider();
        const declared = { name: "kept", scope: ["sp:scopes:default"], expirationDate: inDays(30) };
        const { id, outs } = await createToken(p, { ...declared, [PROVIDER_KEY]: SERIALIZED });
        // The host adds the serialized provider to a create's outputs: the door's outputs have none.
        assert.equal(PROVIDER_KEY in outs, false);
        // The state as the engine stores it: the outputs, and the serialized provider beside them.
        const stored = { ...outs, [PROVIDER_KEY]: SERIALIZED } as TokenOutputs;
        const again = await p.check(stored, { ...declared, [PROVIDER_KEY]: SERIALIZED });
        assert.deepEqual(again.failures, []);
        const news = { ...(again.inputs as CheckedInputs), [PROVIDER_KEY]: SERIALIZED } as CheckedInputs;
        assert.equal((await p.diff(id, stored, news)).changes, false);
        const read = await p.read(id, stored);
        assert.equal(read.id, id);
        assert.equal(PROVIDER_KEY in (read.props ?? {}), false);
        assert.equal(read.props?.secret, outs.secret);
        const renamed = { ...news, name: "kept-renamed" } as CheckedInputs;
        const diff = await p.diff(id, stored, renamed);
        assert.deepEqual(diff.replaces, []);
        const updated = await p.update(id, stored, renamed);
        assert.equal(updated.outs?.name, "kept-renamed");
        assert.equal(PROVIDER_KEY in (updated.outs ?? {}), false);
        await p.delete(id, { ...(updated.outs as TokenOutputs), [PROVIDER_KEY]: SERIALIZED } as TokenOutputs);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });

    it("a state written before tenant existed loads too, and a read records where the token lives", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, { name: "older", userAwareTokenNeverExpires: true });
        const older: Record<string, unknown> = { ...outs, [PROVIDER_KEY]: SERIALIZED };
        delete older.tenant;
        const read = await p.read(id, older as unknown as TokenOutputs);
        assert.equal(read.props?.tenant, ctx.h.emulator.baseUrl);
        assert.equal(PROVIDER_KEY in (read.props ?? {}), false);
    });
});

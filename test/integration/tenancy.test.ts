// Every token knows where it lives (issue 26, item 3): its state records its tenant (the canonical API
// root) beside its owner, and a provider that points elsewhere never claims success. Each step is a new
// provider instance, as each `pulumi` command is a new process; two emulators are two tenants.
import assert from "node:assert/strict";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, failure, inDays, startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";

describe("where a token lives: tenant and owner in its state", function () {
    this.timeout(30_000);
    let a: Harness;
    let b: Harness;
    beforeEach(async () => {
        a = await startHarness();
        b = await startHarness();
    });
    afterEach(async () => {
        await a.emulator.stop();
        await b.emulator.stop();
    });

    /** A token made at tenant a by a process of its own, with the inputs a later command checks again. */
    async function madeAtA(name = "ci") {
        const made = await createToken(a.provider(), { name, expirationDate: inDays(20) });
        assert.equal(made.outs.tenant, a.emulator.baseUrl);
        return made;
    }

    it("a provider moved to another tenant: read, update and delete fail naming both tenants, and the token stays", async () => {
        const { id, inputs, outs } = await madeAtA();
        const moved = b.provider();
        assert.equal((await moved.diff(id, outs, inputs)).changes, true);
        const renamed = { ...inputs, name: "ci-renamed" } as CheckedInputs;
        for (const [what, attempt] of [
            ["read", () => moved.read(id, outs)],
            ["update", () => moved.update(id, outs, renamed)],
            ["delete", () => moved.delete(id, outs)],
        ] as const) {
            const error = await failure(`moved ${what}`, attempt());
            assert.ok(error.message.includes(a.emulator.baseUrl), `${what}: ${error.message}`);
            assert.ok(error.message.includes(b.emulator.baseUrl), `${what}: ${error.message}`);
            assert.match(error.message, /nothing was (read|changed|deleted)/);
            assert.match(error.message, /pulumi destroy|state delete/);
        }
        assert.deepEqual(
            a.emulator.tokens().map((t) => [t.id, t.name]),
            [[id, "ci"]],
        );
        assert.equal(b.emulator.counts().delete + b.emulator.counts().patch, 0);
        // Tenant b only ever saw its own client.
        assert.ok(b.emulator.requests.every((r) => !JSON.stringify(r).includes(a.clientId)));
    });

    it("another identity at the same tenant is treated like another tenant: its DELETE is never sent", async () => {
        const { id, outs } = await madeAtA();
        const strangerSecret = "stranger-secret-0f1e2d3c4b5a69788796";
        hygiene.secret(strangerSecret);
        a.emulator.addClient({ clientId: "stranger", clientSecret: strangerSecret });
        const stranger = a.provider({
            env: () => ({ ...a.env, SAIL_CLIENT_ID: "stranger", SAIL_CLIENT_SECRET: strangerSecret }),
        });
        a.emulator.resetRequests();
        const error = await failure("stranger delete", stranger.delete(id, outs));
        assert.ok(error.message.includes(a.identityId), error.message);
        assert.equal(a.emulator.counts().delete, 0);
        assert.equal(a.emulator.tokens().length, 1);
        // Another API client of the same identity may act: it is the owner.
        const secondSecret = "second-client-secret-8a7b6c5d4e3f2011";
        hygiene.secret(secondSecret);
        a.emulator.addClient({
            clientId: "second",
            clientSecret: secondSecret,
            identity: { id: a.identityId, name: "API Client" },
        });
        const second = a.provider({
            env: () => ({ ...a.env, SAIL_CLIENT_ID: "second", SAIL_CLIENT_SECRET: secondSecret }),
        });
        await second.delete(id, outs);
        assert.equal(a.emulator.tokens().length, 0);
    });

    it("a DELETE's 404 is 'gone' at the token's own tenant and owner", async () => {
        const { id, outs } = await madeAtA();
        a.emulator.deleteToken(id);
        await a.provider().delete(id, outs);
    });

    it("a second URL of the same tenant converges in one up: an update records it, the token and its id stay", async () => {
        const { id, inputs, outs } = await madeAtA();
        const aliasUrl = a.emulator.baseUrl.replace("127.0.0.1", "localhost");
        assert.notEqual(aliasUrl, a.emulator.baseUrl);
        const alias = () => a.provider({ env: () => ({ ...a.env, SAIL_BASE_URL: aliasUrl }) });
        const diff = await alias().diff(id, outs, inputs);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        const { outs: updated } = await alias().update(id, outs, inputs);
        assert.equal(updated?.tenant, aliasUrl);
        assert.equal(a.emulator.counts().create, 1);
        // The next command: nothing to do, and a refresh finds it.
        assert.equal((await alias().diff(id, updated as TokenOutputs, inputs)).changes, false);
        assert.equal((await alias().read(id, updated as TokenOutputs)).id, id);
        await alias().delete(id, updated as TokenOutputs);
        assert.equal(a.emulator.tokens().length, 0);
    });

    it("a state written before the tenant was recorded: no change, and a refresh fills it with no extra request", async () => {
        const { id, inputs, outs } = await madeAtA();
        const old: TokenOutputs = { ...outs };
        delete old.tenant;
        assert.equal((await a.provider().diff(id, old, inputs)).changes, false);
        // Even through a provider now elsewhere: until the tenant is recorded, it is the provider's.
        assert.equal((await b.provider().diff(id, old, inputs)).changes, false);
        a.emulator.resetRequests();
        const read = await a.provider().read(id, old);
        assert.equal(read.props?.tenant, a.emulator.baseUrl);
        // The list a refresh makes today, and no other request (a bearer token only if none is cached).
        assert.deepEqual(
            a.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation),
            ["list"],
        );
    });
});

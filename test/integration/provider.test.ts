// The provider class driven through its whole lifecycle against the emulator over HTTP on 127.0.0.1.
import assert from "node:assert/strict";
import { expirySourceOf, versionOf } from "../../provider/rules/stored";
import { configKey } from "../../provider/isc-client/settings";
import { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { RIGHTS } from "../../emulator";
import { FAST_RETRIES, createToken, failure, inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { IMPLIED_OUTPUTS, writtenBefore } from "../support/state-size";
import { API_VERSIONS } from "../../provider/rules/versions";

describe("PersonalAccessTokenProvider against the emulator", () => {
    const ctx = useHarness({ perTest: true });

    it("creates, reads, renames in place with one JSON Patch, and deletes", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, {
            name: "ci-deploy",
            scope: ["sp:scopes:default"],
            expirationDate: inDays(30),
            __provider: "serialized",
        });
        assert.match(id, /^[0-9a-f]{32}$/);
        assert.match(outs.secret, /^[0-9a-f]{64}$/);
        assert.ok(ctx.h.emulator.verifySecret(id, outs.secret), "the secret in the outputs is the token's");
        assert.equal(outs.owner.type, "IDENTITY");
        assert.equal(versionOf(outs), "v1");
        assert.equal(ctx.h.emulator.counts().create, 1);

        const read = await p.read(id, outs);
        assert.equal(read.id, id);
        assert.equal(read.props?.secret, outs.secret, "the secret is carried from the prior state");
        assert.deepEqual(read.props, outs, "nothing changed, so refresh reports nothing");

        ctx.h.emulator.resetRequests();
        const { inputs: renamed } = await p.check(
            {},
            { name: "ci-deploy-2", scope: ["sp:scopes:default"], expirationDate: outs.expirationDate },
        );
        const diff = await p.diff(id, outs, renamed as CheckedInputs);
        assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false, diffs: ["name"] });
        const updated = await p.update(id, outs, renamed as CheckedInputs);
        assert.equal(updated.outs?.name, "ci-deploy-2");
        assert.equal(updated.outs?.secret, outs.secret);
        const counts = ctx.h.emulator.counts();
        assert.equal(counts.patch, 1);
        assert.equal(counts.total - counts.token, 1, "exactly one API request for a rename");
        assert.equal(ctx.h.emulator.tokens()[0].name, "ci-deploy-2");

        await p.delete(id, updated.outs as TokenOutputs);
        assert.equal(ctx.h.emulator.tokens().length, 0);
        assert.deepEqual(await p.read(id, updated.outs as TokenOutputs), {}, "gone from a successful list");
    });

    it("a state written before the lean form (every value spelled out): no change; update and refresh write it lean, with the requests they always made", async () => {
        for (const version of API_VERSIONS) {
            const p = ctx.h.provider();
            const expirationDate = inDays(20);
            const declared = { name: `old-${version}`, apiVersion: version, expirationDate };
            const { id, outs } = await createToken(p, declared);
            const old = { ...writtenBefore(outs), tenant: outs.tenant };
            assert.ok(
                IMPLIED_OUTPUTS.some((k) => !(k in outs) && k in old),
                `${version}: a leaner state`,
            );
            const { inputs } = await p.check(old, declared);
            assert.equal((await p.diff(id, old, inputs as CheckedInputs)).changes, false);

            ctx.h.emulator.resetRequests();
            const refreshed = await p.read(id, old);
            assert.deepEqual(refreshed.props, outs, `${version}: a refresh writes the lean form`);
            assert.deepEqual(
                ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation),
                ["list"],
            );

            ctx.h.emulator.resetRequests();
            const renamed = (await p.check(old, { ...declared, name: `old-${version}-2` })).inputs;
            const updated = await p.update(id, old, renamed as CheckedInputs);
            assert.deepEqual(
                updated.outs,
                { ...outs, name: `old-${version}-2` },
                `${version}: lean after update`,
            );
            assert.deepEqual(
                ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation),
                ["patch"],
            );
            await p.delete(id, old);
            assert.equal(ctx.h.emulator.tokens().length, 0);
        }
    });

    for (const version of API_VERSIONS) {
        it(`runs the lifecycle on apiVersion ${version}`, async () => {
            const p = ctx.h.provider();
            // One instant for both: two calls a second boundary apart would change the expiry.
            const expirationDate = inDays(20);
            const { id, outs } = await createToken(p, {
                name: `t-${version}`,
                apiVersion: version,
                expirationDate,
            });
            const paths = ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.path);
            const base =
                version === "v1" ? "/personal-access-tokens/v1" : `/${version}/personal-access-tokens`;
            assert.deepEqual(paths, [base, base], "the owner's list before the POST, then the POST");
            const { inputs } = await p.check(
                {},
                { name: `t-${version}-x`, apiVersion: version, expirationDate },
            );
            const updated = await p.update(id, outs, inputs as CheckedInputs);
            assert.equal(updated.outs?.name, `t-${version}-x`);
            assert.ok((await p.read(id, updated.outs as TokenOutputs)).id);
            await p.delete(id, updated.outs as TokenOutputs);
            assert.equal(ctx.h.emulator.requests.at(-1)?.path, `${base}/${id}`);
            assert.equal(ctx.h.emulator.requests.at(-1)?.status, 204);
        });
    }

    /** A provider whose stack config names the emulator and the apiVersion setting v2025, and no environment. */
    async function configuredAtV2025(): Promise<PersonalAccessTokenProvider> {
        const p = new PersonalAccessTokenProvider({ env: () => ({}), retryPolicy: FAST_RETRIES });
        await p.configure({
            given: {
                baseUrl: ctx.h.emulator.baseUrl,
                clientId: ctx.h.clientId,
                clientSecret: ctx.h.clientSecret,
                apiVersion: "v2025",
            },
            place: { door: "dynamic", explicit: false },
        });
        return p;
    }

    it("takes the stack config over the environment, including the apiVersion setting", async () => {
        const p = await configuredAtV2025();
        const { outs } = await createToken(p, { name: "from-config", userAwareTokenNeverExpires: true });
        assert.equal(outs.apiVersion, "v2025");
        assert.equal(outs.expirationDate, null);
        assert.equal(expirySourceOf(outs), "neverExpires");
        assert.equal(ctx.h.emulator.requests.at(-1)?.path, "/v2025/personal-access-tokens");
    });

    it("check stores apiVersion only when it is not v1: diff, create, update and refresh read absent as v1, whatever the setting", async () => {
        const p = await configuredAtV2025();
        const expirationDate = inDays(20);
        // The setting's v2025 is stored; a declared v1 is not, and still means v1 with that setting.
        const bySetting = await p.check({}, { name: "by-setting", expirationDate });
        assert.equal(bySetting.inputs?.apiVersion, "v2025");
        const declared = { name: "declared-v1", apiVersion: "v1", expirationDate };
        const { inputs } = await p.check({}, declared);
        assert.deepEqual(inputs, { name: "declared-v1", expirationDate }, "no apiVersion v1 in the inputs");
        const created = await p.create(inputs as CheckedInputs);
        const { id } = created;
        const outs = created.outs as TokenOutputs;
        assert.equal(versionOf(outs), "v1");
        assert.deepEqual(
            ctx.h.emulator.tokens("v1").map((t) => t.name),
            ["declared-v1"],
            "made at v1, not at the setting's v2025",
        );
        assert.equal((await p.diff(id, outs, inputs as CheckedInputs)).changes, false);
        // Inputs as an earlier version stored them, apiVersion v1 spelled out: the same, no change.
        assert.equal(
            (await p.diff(id, outs, { ...inputs, apiVersion: "v1" } as CheckedInputs)).changes,
            false,
        );
        ctx.h.emulator.resetRequests();
        const renamed = (await p.check(inputs, { ...declared, name: "declared-v1-2" })).inputs;
        const updated = await p.update(id, outs, renamed as CheckedInputs);
        assert.equal(updated.outs?.name, "declared-v1-2");
        assert.deepEqual(
            ctx.h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.path),
            [`/personal-access-tokens/v1/${id}`],
            "the PATCH goes to v1",
        );
        const read = await p.read(id, updated.outs as TokenOutputs);
        assert.ok(read.inputs && !("apiVersion" in read.inputs), "a refresh hands back no apiVersion v1");
        await p.delete(id, updated.outs as TokenOutputs);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });

    it("turns an expiring v2025 token into a never-expiring one with both fields in one PATCH", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, {
            name: "ne",
            apiVersion: "v2025",
            expirationDate: inDays(10),
        });
        const { inputs } = await p.check(
            {},
            { name: "ne", apiVersion: "v2025", userAwareTokenNeverExpires: true },
        );
        assert.equal((await p.diff(id, outs, inputs as CheckedInputs)).changes, true);
        const updated = await p.update(id, outs, inputs as CheckedInputs);
        assert.equal(updated.outs?.expirationDate, null);
        assert.equal(ctx.h.emulator.tokens("v2025")[0].expirationDate, null);
        assert.equal(ctx.h.emulator.tokens("v2025")[0].userAwareTokenNeverExpires, true);
    });

    it("reports drift: a rename out of band comes back as inputs", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, {
            name: "drift",
            scope: ["sp:scopes:default"],
            expirationDate: inDays(5),
        });
        ctx.h.emulator.patchToken(id, { name: "renamed-by-hand" });
        const read = await p.read(id, outs);
        assert.equal(read.props?.name, "renamed-by-hand");
        assert.equal(read.inputs?.name, "renamed-by-hand");
        assert.deepEqual(read.inputs?.scope, ["sp:scopes:default"]);
        const { inputs } = await p.check(read.inputs, {
            name: "drift",
            scope: ["sp:scopes:default"],
            expirationDate: outs.expirationDate,
        });
        assert.equal((await p.diff(id, read.props as TokenOutputs, inputs as CheckedInputs)).changes, true);
    });

    it("refresh fails, never reports gone, when the list fails", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, { name: "truth", expirationDate: inDays(5) });
        ctx.h.emulator.faults.add({ kind: "500", method: "GET" });
        const error = await failure("read on 500", p.read(id, outs));
        assert.match(
            error.message,
            /list personal access tokens failed: GET \/personal-access-tokens\/v1\?owner-id=\w+ returned HTTP 500 \(500\.0 Internal Fault\)/,
        );
        assert.match(error.message, /trackingId [0-9a-f]+/);
        ctx.h.emulator.faults.clear();

        const limited = ctx.h.emulator.addClient({
            clientId: "reader-less",
            clientSecret: "reader-less-secret-123",
            rights: [],
        });
        assert.ok(limited);
        const noRights = new PersonalAccessTokenProvider({
            env: () => ({
                ...ctx.h.env,
                SAIL_CLIENT_ID: "reader-less",
                SAIL_CLIENT_SECRET: "reader-less-secret-123",
            }),
            retryPolicy: FAST_RETRIES,
        });
        hygiene.secret("reader-less-secret-123");
        const forbidden = await failure("read on 403", noRights.read(id, outs));
        assert.match(forbidden.message, /HTTP 403/);
        assert.match(forbidden.message, /idn:all-personal-access-tokens:read/);
    });

    it("treats a 404 on delete as already gone", async () => {
        const p = ctx.h.provider();
        const { id, outs } = await createToken(p, { name: "gone", expirationDate: inDays(5) });
        ctx.h.emulator.deleteToken(id);
        await p.delete(id, outs);
        assert.equal(ctx.h.emulator.requests.at(-1)?.status, 404);
    });

    it("gets one bearer token for many operations, and a fresh one once after a 401", async () => {
        const p = ctx.h.provider();
        for (let i = 0; i < 5; i++) await createToken(p, { name: `many-${i}`, expirationDate: inDays(5) });
        assert.equal(ctx.h.emulator.counts().token, 1);
        ctx.h.emulator.expireBearerTokens();
        await createToken(p, { name: "after-expiry", expirationDate: inDays(5) });
        assert.equal(ctx.h.emulator.counts().token, 2);
        assert.deepEqual(
            ctx.h.emulator.requests.filter((r) => r.operation === "create").map((r) => r.status),
            [200, 200, 200, 200, 200, 200],
        );
        // The first request after the expiry (the list before the POST) met the 401, once.
        assert.deepEqual(
            ctx.h.emulator.requests.filter((r) => r.status === 401).map((r) => r.operation),
            ["list"],
        );
    });

    it("retries a 429 on create, honouring Retry-After, and 502 on list", async () => {
        const p = ctx.h.provider();
        ctx.h.emulator.faults.add({ kind: "429", method: "POST", times: 1, retryAfterSeconds: 0 });
        const { id, outs } = await createToken(p, { name: "limited", expirationDate: inDays(5) });
        assert.deepEqual(
            ctx.h.emulator.requests.filter((r) => r.operation === "create").map((r) => r.status),
            [429, 200],
        );
        ctx.h.emulator.faults.add({ kind: "502", method: "GET", times: 2 });
        assert.equal((await p.read(id, outs)).id, id);
    });

    it("never repeats a create blindly: a lost response ends with exactly one token whose secret we hold", async () => {
        const p = ctx.h.provider();
        ctx.h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
        const { id, outs } = await createToken(p, { name: "lost-response", expirationDate: inDays(5) });
        const tokens = ctx.h.emulator.tokens();
        assert.equal(tokens.length, 1);
        assert.equal(tokens[0].id, id);
        assert.ok(ctx.h.emulator.verifySecret(id, outs.secret));
        assert.equal(ctx.h.emulator.counts().delete, 1, "the token whose secret was lost was deleted");
    });

    it("a create refused before processing is simply made again", async () => {
        const p = ctx.h.provider();
        ctx.h.emulator.faults.add({ kind: "reset-before", method: "POST", times: 1 });
        ctx.h.emulator.faults.add({ kind: "503", method: "POST", times: 1 });
        const { id, outs } = await createToken(p, { name: "refused", expirationDate: inDays(5) });
        assert.equal(ctx.h.emulator.tokens().length, 1);
        assert.ok(ctx.h.emulator.verifySecret(id, outs.secret));
    });

    it("fails clearly on an API refusal, with status, detailCode, message and trackingId", async () => {
        const p = ctx.h.provider();
        await createToken(p, { name: "dup", expirationDate: inDays(5) });
        const error = await failure(
            "duplicate name",
            createToken(p, { name: "dup", expirationDate: inDays(5) }),
        );
        assert.match(
            error.message,
            /^create personal access token failed: POST \/personal-access-tokens\/v1 returned HTTP 400 \(400\.1 Bad Request Content\): .+ \[trackingId [0-9a-f]+\]/,
        );
        assert.equal(ctx.h.emulator.tokens().length, 1);
    });

    it("says what to check when the client secret is wrong, without showing it", async () => {
        const wrong = "definitely-the-wrong-secret-42";
        hygiene.secret(wrong);
        const p = new PersonalAccessTokenProvider({
            env: () => ({ ...ctx.h.env, SAIL_CLIENT_SECRET: wrong }),
            retryPolicy: FAST_RETRIES,
        });
        const error = await failure("wrong secret", createToken(p, { name: "x", expirationDate: inDays(5) }));
        assert.match(error.message, /POST \/oauth\/token returned HTTP 401/);
        assert.match(error.message, /SAIL_CLIENT_SECRET/);
        assert.equal(ctx.h.emulator.counts().create, 0);
    });

    it("refuses missing settings and a non-loopback http:// base URL before any request", async () => {
        const missing = new PersonalAccessTokenProvider({
            env: () => ({ SAIL_BASE_URL: ctx.h.emulator.baseUrl }),
        });
        const error = await failure(
            "missing settings",
            createToken(missing, { name: "x", expirationDate: inDays(5) }),
        );
        assert.ok(
            error.message.includes(
                `${configKey("dynamic", "clientId")}, ${configKey("dynamic", "clientSecret")}`,
            ),
        );
        assert.ok(
            error.message.includes(`pulumi config set --secret ${configKey("dynamic", "clientSecret")}`),
        );
        assert.match(error.message, /export SAIL_CLIENT_SECRET=/);
        const plain = new PersonalAccessTokenProvider({
            env: () => ({ ...ctx.h.env, SAIL_BASE_URL: "http://tenant.example.com" }),
        });
        const insecure = await failure(
            "http base URL",
            createToken(plain, { name: "x", expirationDate: inDays(5) }),
        );
        assert.match(insecure.message, /must use https:\/\//);
        assert.equal(ctx.h.emulator.requests.length, 0);
    });

    it("check makes no API call, even for inputs that fail", async () => {
        const p = ctx.h.provider();
        const result = await p.check({}, { name: "", expirationDate: "2020-01-01T00:00:00Z" });
        assert.equal(result.failures?.length, 2);
        assert.equal(ctx.h.emulator.requests.length, 0);
    });

    it("uses the rights it needs: a client with only the my-tokens rights manages its own tokens", async () => {
        ctx.h.emulator.addClient({
            clientId: "mine",
            clientSecret: "mine-secret-12345678",
            rights: [RIGHTS.myRead, RIGHTS.myManage],
        });
        hygiene.secret("mine-secret-12345678");
        const p = new PersonalAccessTokenProvider({
            env: () => ({ ...ctx.h.env, SAIL_CLIENT_ID: "mine", SAIL_CLIENT_SECRET: "mine-secret-12345678" }),
            retryPolicy: FAST_RETRIES,
        });
        const { id, outs } = await createToken(p, { name: "own", expirationDate: inDays(5) });
        assert.equal((await p.read(id, outs)).id, id);
        await p.delete(id, outs);
    });
});

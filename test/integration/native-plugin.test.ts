// The native plugin (plugin/pulumi-resource-iscpat) driven over gRPC as the engine drives it, one
// plugin process per provider instance, against two emulators (two tenants, two API clients).
import assert from "node:assert/strict";
import { configKey } from "../../provider/isc-client/settings";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTimings, TIMING_FILE_VARIABLE } from "../../provider/isc-client/timing";
import { REPO } from "../../scripts/pulumi-project";
import { empty } from "../../provider/native/grpc";
import { packageSchema, RESOURCE_TOKEN } from "../../provider/native/package-schema";
import { UNKNOWN, type Properties } from "../../provider/native/values";
import { inDays, startHarness, type Harness } from "../support/harness";
import { hygiene, observe } from "../support/hygiene";
import {
    checkRequest,
    configureRequest,
    isSecret,
    pb,
    plainOf,
    secret,
    startPlugin,
    toStruct,
    URN,
    type CheckResponse,
    type Plugin,
} from "../support/plugin";

const plain = plainOf;

/** The settings of a provider instance at a harness's tenant. */
function tenantArgs(h: Harness): Properties {
    return { baseUrl: h.emulator.baseUrl, clientId: h.clientId, clientSecret: secret(h.clientSecret) };
}

async function configured(h: Harness, env: Record<string, string> = {}): Promise<Plugin> {
    const plugin = await startPlugin(env);
    await plugin.call("configure", configureRequest(tenantArgs(h)));
    return plugin;
}

async function check(plugin: Plugin, news: Properties, olds: Properties = {}): Promise<CheckResponse> {
    return plugin.call<CheckResponse>("check", checkRequest(news, olds));
}

/** Check then Create, as the engine does for a new resource. */
async function create(plugin: Plugin, news: Properties, name = "token") {
    const checked = await check(plugin, news);
    assert.deepEqual(
        checked.getFailuresList().map((f) => f.toObject()),
        [],
    );
    const request = new pb.CreateRequest();
    request.setUrn(URN(name));
    request.setType(RESOURCE_TOKEN);
    request.setProperties(checked.getInputs());
    const created = await plugin.call<InstanceType<typeof pb.CreateResponse>>("create", request);
    const outs = plain(created.getProperties());
    hygiene.secret((outs.secret as Properties | undefined)?.value as string | undefined);
    return { id: created.getId(), inputs: plain(checked.getInputs()), outs };
}

function grpcMessage(error: unknown): string {
    const message = (error as { details?: string }).details ?? String(error);
    observe("plugin gRPC error", message);
    return message;
}

describe("the native plugin over gRPC", function () {
    this.timeout(60_000);
    let a: Harness;
    let b: Harness;
    const plugins: Plugin[] = [];
    const start = async (h: Harness, env: Record<string, string> = {}) => {
        const p = await configured(h, env);
        plugins.push(p);
        return p;
    };

    beforeEach(async () => {
        a = await startHarness();
        b = await startHarness();
    });
    afterEach(async () => {
        for (const p of plugins.splice(0)) await p.stop();
        await a.emulator.stop();
        await b.emulator.stop();
    });

    it("prints its port, names its version, and serves the schema generated from schema.json", async () => {
        const plugin = await startPlugin();
        plugins.push(plugin);
        const version = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version as string;
        const info = await plugin.call<{ getVersion(): string }>("getPluginInfo", new empty.Empty());
        assert.equal(info.getVersion(), version);
        const schema = await plugin.call<InstanceType<typeof pb.GetSchemaResponse>>(
            "getSchema",
            new pb.GetSchemaRequest(),
        );
        assert.deepEqual(JSON.parse(schema.getSchema()), packageSchema(version));
    });

    it("makes, renames and deletes each token at its own provider's tenant, with its own credentials", async () => {
        const pa = await start(a);
        const pb2 = await start(b);
        const expirationDate = inDays(30);
        const ta = await create(pa, { name: "sandbox-ci", expirationDate });
        const tb = await create(pb2, { name: "prod-ci", expirationDate, scope: ["sp:scopes:default"] });
        assert.deepEqual(
            a.emulator.tokens("v1").map((t) => [t.id, t.name]),
            [[ta.id, "sandbox-ci"]],
        );
        assert.deepEqual(
            b.emulator.tokens("v1").map((t) => [t.id, t.name]),
            [[tb.id, "prod-ci"]],
        );
        // Each tenant saw only its own API client.
        assert.ok(a.emulator.requests.every((r) => !JSON.stringify(r).includes(b.clientId)));
        // The secret is a Pulumi secret in the outputs, and the token's.
        assert.ok(isSecret(ta.outs.secret), "secret is returned as a secret");
        assert.ok(a.emulator.verifySecret(ta.id, (ta.outs.secret as Properties).value as string));
        assert.equal(ta.outs.name, "sandbox-ci");

        // A rename: Diff says update in place, Update sends one PATCH, at b only.
        a.emulator.resetRequests();
        b.emulator.resetRequests();
        const renamed = await check(
            pb2,
            { name: "prod-ci-2", expirationDate, scope: ["sp:scopes:default"] },
            tb.inputs,
        );
        const diffRequest = new pb.DiffRequest();
        diffRequest.setId(tb.id);
        diffRequest.setUrn(URN("prod"));
        diffRequest.setType(RESOURCE_TOKEN);
        diffRequest.setOlds(toStruct(tb.outs));
        diffRequest.setNews(renamed.getInputs());
        const diff = await pb2.call<InstanceType<typeof pb.DiffResponse>>("diff", diffRequest);
        assert.equal(diff.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME);
        assert.deepEqual(diff.getReplacesList(), []);
        const update = new pb.UpdateRequest();
        update.setId(tb.id);
        update.setUrn(URN("prod"));
        update.setType(RESOURCE_TOKEN);
        update.setOlds(toStruct(tb.outs));
        update.setNews(renamed.getInputs());
        const updated = plain(
            (await pb2.call<InstanceType<typeof pb.UpdateResponse>>("update", update)).getProperties(),
        );
        assert.equal(updated.name, "prod-ci-2");
        assert.deepEqual(updated.secret, tb.outs.secret, "the secret is carried, still a secret");
        const counts = b.emulator.counts();
        assert.equal(counts.patch, 1);
        assert.equal(counts.total - counts.token, 1, "one API request for a rename");
        assert.equal(a.emulator.counts().total, 0, "nothing at the other tenant");

        // Read: the token is there, its secret carried as a secret; Delete removes it at its tenant.
        const read = new pb.ReadRequest();
        read.setId(ta.id);
        read.setUrn(URN("sandbox"));
        read.setType(RESOURCE_TOKEN);
        read.setProperties(toStruct(ta.outs));
        read.setInputs(toStruct(ta.inputs));
        const refreshed = await pa.call<InstanceType<typeof pb.ReadResponse>>("read", read);
        assert.equal(refreshed.getId(), ta.id);
        assert.deepEqual(plain(refreshed.getProperties()), ta.outs);
        for (const [plugin, token] of [
            [pa, ta],
            [pb2, { ...tb, outs: updated }],
        ] as const) {
            const del = new pb.DeleteRequest();
            del.setId(token.id);
            del.setUrn(URN("x"));
            del.setType(RESOURCE_TOKEN);
            del.setProperties(toStruct(token.outs));
            await plugin.call("delete", del);
        }
        assert.equal(a.emulator.tokens().length + b.emulator.tokens().length, 0);
        const gone = await pa.call<InstanceType<typeof pb.ReadResponse>>("read", read);
        assert.equal(gone.getId(), "", "a token gone from a successful list reads as gone");
    });

    it("times its requests from the engine's call when ISC_PAT_TIMING_FILE asks (the benchmark's lag split)", async () => {
        const dir = mkdtempSync(join(tmpdir(), "plugin-timing-"));
        try {
            const file = join(dir, "timing.jsonl");
            const plugin = await start(a, { [TIMING_FILE_VARIABLE]: file });
            const made = await create(plugin, { name: "timed", expirationDate: inDays(30) });
            const lines = readTimings(readFileSync(file, "utf8"));
            // The list before the create, then the create, both within the engine's Create call.
            assert.deepEqual(
                lines.map((l) => [l.call, l.method, l.status]),
                [
                    ["create", "GET", 200],
                    ["create", "POST", 200],
                ],
            );
            assert.equal(lines[0].callAt, lines[1].callAt, "one call");
            for (const l of lines) {
                const marks = [l.callAt, l.queuedAt, l.grantedAt, l.sentAt, l.headersAt] as number[];
                assert.ok(
                    marks.every((m, i) => i === 0 || m >= marks[i - 1]),
                    JSON.stringify(l),
                );
                assert.equal(l.pid, plugin.process.pid, "the plugin's own process");
            }
            assert.ok(!readFileSync(file, "utf8").includes(made.id));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("fails bad input at Check with the dynamic resource's messages, naming the property, sending nothing", async () => {
        const plugin = await start(a);
        a.emulator.resetRequests();
        const bad = {
            name: "",
            accessTokenValiditySeconds: 5,
            rotation: { expiresInDays: 10 },
            expirationDate: "next week",
            userAwareTokenNeverExpires: true,
            apiVersion: "v3",
        };
        const checked = await check(plugin, bad);
        const failures = checked
            .getFailuresList()
            .map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
        assert.ok(
            failures.some((f) => f.property === "name"),
            JSON.stringify(failures),
        );
        assert.ok(
            failures.some((f) => f.property === "accessTokenValiditySeconds"),
            JSON.stringify(failures),
        );
        // The very failures the dynamic resource's check gives (the dates in hints follow each one's now).
        const dynamic = await a.provider().check({}, bad);
        const strip = (fs: { property: string; reason: string }[]) =>
            fs.map((f) => ({ ...f, reason: f.reason.replace(/\d{4}-\d{2}-\d{2}T[\d:]+Z/g, "<date>") }));
        assert.deepEqual(strip(failures), strip(dynamic.failures ?? []));
        assert.ok(failures.length >= 5, JSON.stringify(failures));
        assert.equal(a.emulator.requests.length, 0);
    });

    it("fills in the provider's apiVersion for tokens that name none", async () => {
        const plugin = await startPlugin();
        plugins.push(plugin);
        await plugin.call("configure", configureRequest({ ...tenantArgs(a), apiVersion: "v2025" }));
        const made = await create(plugin, { name: "modern", userAwareTokenNeverExpires: true });
        assert.equal(made.outs.apiVersion, "v2025");
        assert.equal(made.outs.expirationDate, null);
        assert.deepEqual(
            a.emulator.tokens("v2025").map((t) => t.name),
            ["modern"],
        );
    });

    it("takes unknown inputs at preview without failing, and keeps a declared secret input a secret", async () => {
        const plugin = await start(a);
        const checked = await check(plugin, {
            name: secret(UNKNOWN),
            expirationDate: UNKNOWN,
            scope: [UNKNOWN],
        });
        assert.deepEqual(checked.getFailuresList(), []);
        const inputs = plain(checked.getInputs());
        assert.deepEqual(inputs.name, secret(UNKNOWN));
        const named = await check(plugin, { name: secret("from-a-secret"), expirationDate: inDays(10) });
        assert.deepEqual(plain(named.getInputs()).name, secret("from-a-secret"));
    });

    it("reads its settings from Configure's variables alone, in every key form, and else from SAIL_*", async () => {
        for (const variableKey of [
            (k: string) => `iscpat:config:${k}`,
            (k: string) => `iscpat:${k}`,
            (k: string) => k,
        ]) {
            const plugin = await startPlugin();
            plugins.push(plugin);
            await plugin.call("configure", configureRequest(tenantArgs(a), { args: false, variableKey }));
            await create(plugin, { name: `vars-${variableKey("x")}`, expirationDate: inDays(5) });
        }
        // The default provider with no iscpat: config: the SAIL_* environment.
        const fromEnv = await startPlugin(b.env);
        plugins.push(fromEnv);
        await fromEnv.call("configure", configureRequest({}));
        await create(fromEnv, { name: "from-env", expirationDate: inDays(5) });
        assert.equal(a.emulator.tokens("v1").length, 3);
        assert.deepEqual(
            b.emulator.tokens("v1").map((t) => t.name),
            ["from-env"],
        );
    });

    it("answers a failed operation with the lifecycle's actionable message in its own words, no secret in it", async () => {
        const plugin = await startPlugin();
        plugins.push(plugin);
        await plugin.call(
            "configure",
            configureRequest({ ...tenantArgs(a), clientSecret: secret("wrong-secret-0123456789abcdef") }),
        );
        hygiene.secret("wrong-secret-0123456789abcdef");
        const checked = await check(plugin, { name: "x", expirationDate: inDays(5) });
        const request = new pb.CreateRequest();
        request.setUrn(URN("x"));
        request.setType(RESOURCE_TOKEN);
        request.setProperties(checked.getInputs());
        const message = grpcMessage(
            await plugin.call("create", request).then(
                () => assert.fail("create succeeded"),
                (e: unknown) => e,
            ),
        );
        assert.ok(message.includes(configKey("native", "clientId")), message);
        assert.doesNotMatch(message, /sailpoint:/);
        assert.ok(!message.includes("wrong-secret-0123456789abcdef"));
        // Missing settings name the plugin's keys and the environment.
        const bare = await startPlugin();
        plugins.push(bare);
        await bare.call("configure", configureRequest({}));
        const missing = grpcMessage(
            await bare.call("create", request).then(
                () => assert.fail("create succeeded"),
                (e: unknown) => e,
            ),
        );
        assert.match(missing, new RegExp(`${configKey("native", "baseUrl")}.*SAIL_BASE_URL`, "s"));
    });
});

describe("the native plugin's provider settings (CheckConfig, DiffConfig)", function () {
    this.timeout(30_000);
    let plugin: Plugin;
    before(async () => {
        plugin = await startPlugin();
    });
    after(async () => plugin.stop());

    async function diffConfig(olds: Properties, news: Properties) {
        const request = new pb.DiffRequest();
        request.setUrn("urn:pulumi:dev::yaml::pulumi:providers:iscpat::prod");
        request.setOlds(toStruct(olds));
        request.setOldInputs(toStruct(olds));
        request.setNews(toStruct(news));
        const diff = await plugin.call<InstanceType<typeof pb.DiffResponse>>("diffConfig", request);
        return { changes: diff.getChanges(), replaces: diff.getReplacesList(), diffs: diff.getDiffsList() };
    }

    const base = {
        baseUrl: "https://acme-sb.api.identitynow.com",
        clientId: "c1",
        clientSecret: "s1",
        apiVersion: "v2025",
    };
    const { DIFF_NONE, DIFF_SOME } = pb.DiffResponse.DiffChanges;

    /** Two more API clients at h's tenant: "second" of its identity, "stranger" of another; their secrets. */
    function addClients(h: Harness, sameIdentity: string, otherIdentity: string): void {
        hygiene.secret(sameIdentity);
        hygiene.secret(otherIdentity);
        h.emulator.addClient({
            clientId: "second",
            clientSecret: sameIdentity,
            identity: { id: h.identityId, name: "API Client" },
        });
        h.emulator.addClient({ clientId: "stranger", clientSecret: otherIdentity });
    }

    it("returns the client secret as a secret, whether or not the program marked it", async () => {
        const checked = await plugin.call<CheckResponse>("checkConfig", checkRequest(base));
        assert.deepEqual(plain(checked.getInputs()).clientSecret, secret("s1"));
        assert.equal(plain(checked.getInputs()).clientId, "c1");
        assert.deepEqual(checked.getFailuresList(), []);
    });

    it("fails a tenant URL the client would refuse and an unknown API version, and passes unknowns", async () => {
        const checked = await plugin.call<CheckResponse>(
            "checkConfig",
            checkRequest({
                baseUrl: "http://acme.example.com",
                clientId: "c",
                clientSecret: "s",
                apiVersion: "v9",
            }),
        );
        const failures = checked.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
        assert.deepEqual(
            failures.map(([p]) => p),
            ["baseUrl", "apiVersion"],
        );
        assert.match(failures[0][1], /https:\/\//);
        const unknown = await plugin.call<CheckResponse>(
            "checkConfig",
            checkRequest({ baseUrl: UNKNOWN, clientId: "c", clientSecret: UNKNOWN }),
        );
        assert.deepEqual(unknown.getFailuresList(), []);
    });

    /** CheckConfig for a provider of this name (default… for the default provider), in a plugin with `env`. */
    async function checkConfig(news: Properties, name: string, env: Record<string, string> = {}) {
        const own = await startPlugin(env);
        try {
            const request = checkRequest(news);
            request.setUrn(`urn:pulumi:dev::yaml::pulumi:providers:iscpat::${name}`);
            return await own.call<CheckResponse>("checkConfig", request);
        } finally {
            await own.stop();
        }
    }

    it("a partial explicit provider fails CheckConfig naming what is missing, and never takes SAIL_* for it", async () => {
        const env = {
            SAIL_BASE_URL: "https://a.api.identitynow.com",
            SAIL_CLIENT_ID: "a",
            SAIL_CLIENT_SECRET: "env-secret-of-tenant-a-00112233",
        };
        hygiene.secret(env.SAIL_CLIENT_SECRET);
        for (const missing of [{ clientSecret: "" }, {}]) {
            const checked = await checkConfig(
                { baseUrl: "https://b.api.identitynow.com", clientId: "b", ...missing },
                "prod",
                env,
            );
            const failures = checked.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
            assert.deepEqual(
                failures.map(([p]) => p),
                ["clientSecret"],
            );
            assert.match(
                failures[0][1],
                /is missing: this provider takes its connection from its properties/,
            );
            assert.ok(!JSON.stringify(plain(checked.getInputs())).includes(env.SAIL_CLIENT_SECRET));
        }
        // Unknown at preview: no failure, and still nothing from the environment.
        const unknown = await checkConfig(
            { baseUrl: "https://b.api.identitynow.com", clientId: "b", clientSecret: UNKNOWN },
            "prod",
            env,
        );
        assert.deepEqual(unknown.getFailuresList(), []);
        assert.ok(!JSON.stringify(plain(unknown.getInputs())).includes(env.SAIL_CLIENT_SECRET));
    });

    it("records the environment a default provider takes; DiffConfig refuses it moved, naming both tenants", async () => {
        const at = (url: string) => ({ SAIL_BASE_URL: url, SAIL_CLIENT_ID: "c", SAIL_CLIENT_SECRET: "s" });
        const first = plain(
            (await checkConfig({}, "default_0_1_0", at("https://a.api.identitynow.com/"))).getInputs(),
        );
        assert.deepEqual(first.fromEnvironment, { baseUrl: "https://a.api.identitynow.com", clientId: "c" });
        const same = plain(
            (await checkConfig({}, "default_0_1_0", at("https://a.api.identitynow.com"))).getInputs(),
        );
        assert.deepEqual(await diffConfig(first, same), { changes: DIFF_NONE, replaces: [], diffs: [] });
        // A stack written before the record: no change.
        assert.deepEqual(await diffConfig({}, same), { changes: DIFF_NONE, replaces: [], diffs: [] });
        const moved = plain(
            (await checkConfig({}, "default_0_1_0", at("https://b.api.identitynow.com"))).getInputs(),
        );
        const refused = grpcMessage(
            await diffConfig(first, moved).then(
                () => assert.fail("DiffConfig accepted a moved environment"),
                (e: unknown) => e,
            ),
        );
        assert.match(refused, /https:\/\/a\.api\.identitynow\.com/);
        assert.match(refused, /https:\/\/b\.api\.identitynow\.com/);
        assert.match(refused, /pulumi destroy/);
    });

    // The engine asks the new provider's plugin; a default provider that took SAIL_* recorded only the
    // tenant and client (CheckConfig): its secret is in the environment both plugins share.
    it("from SAIL_* to given settings (an explicit provider, an alias) and back: in place for the same tenant and identity, replaced for another", async () => {
        const a = await startHarness();
        const b = await startHarness();
        const env = {
            SAIL_BASE_URL: a.emulator.baseUrl,
            SAIL_CLIENT_ID: a.clientId,
            SAIL_CLIENT_SECRET: a.clientSecret,
        };
        const sameIdentity = "second-client-secret-ffeeddccbbaa9988";
        const otherIdentity = "other-identity-secret-7766554433221100";
        addClients(a, sameIdentity, otherIdentity);
        const own = await startPlugin(env);
        // A plugin whose SAIL_* now names another tenant than the one recorded (b's, not a's).
        const elsewhere = await startPlugin({
            SAIL_BASE_URL: b.emulator.baseUrl,
            SAIL_CLIENT_ID: b.clientId,
            SAIL_CLIENT_SECRET: b.clientSecret,
        });
        const diff = async (plugin: Plugin, olds: Properties, news: Properties) => {
            const request = new pb.DiffRequest();
            request.setUrn("urn:pulumi:dev::yaml::pulumi:providers:iscpat::prod");
            request.setOlds(toStruct(olds));
            request.setOldInputs(toStruct(olds));
            request.setNews(toStruct(news));
            return (
                await plugin.call<InstanceType<typeof pb.DiffResponse>>("diffConfig", request)
            ).getReplacesList();
        };
        try {
            const request = checkRequest({});
            request.setUrn("urn:pulumi:dev::yaml::pulumi:providers:iscpat::default_0_1_0");
            const fromEnv = plain((await own.call<CheckResponse>("checkConfig", request)).getInputs());
            assert.deepEqual(fromEnv.fromEnvironment, { baseUrl: a.emulator.baseUrl, clientId: a.clientId });
            const given = (h: Harness, extra: Properties = {}) => ({
                baseUrl: h.emulator.baseUrl,
                clientId: h.clientId,
                clientSecret: h.clientSecret,
                ...extra,
            });
            const alias = given(a, { baseUrl: a.emulator.baseUrl.replace("127.0.0.1", "localhost") });
            const second = given(a, { clientId: "second", clientSecret: sameIdentity });
            assert.deepEqual(await diff(own, fromEnv, alias), [], "an alias URL of the same tenant");
            assert.deepEqual(await diff(own, fromEnv, second), [], "another client of the same identity");
            assert.deepEqual(await diff(own, second, fromEnv), [], "back to SAIL_*: the same identity");
            const stranger = given(a, { clientId: "stranger", clientSecret: otherIdentity });
            const moved = ["baseUrl", "clientId"];
            assert.deepEqual(await diff(own, fromEnv, stranger), moved, "another identity");
            assert.deepEqual(await diff(own, fromEnv, given(b)), moved, "another tenant");
            // SAIL_* no longer names the recorded tenant: the old side cannot be asked, so replaced.
            assert.deepEqual(await diff(elsewhere, fromEnv, second), moved, "SAIL_* moved meanwhile");
            // Each secret went to its own tenant only.
            assert.ok(b.emulator.requests.every((r) => !JSON.stringify(r).includes(a.clientId)));
            assert.ok(a.emulator.requests.every((r) => !JSON.stringify(r).includes(b.clientId)));
        } finally {
            await own.stop();
            await elsewhere.stop();
            await a.emulator.stop();
            await b.emulator.stop();
        }
    });

    it("replaces for another tenant or identity; in place for a new secret or API version, an alias URL, another client of the identity", async () => {
        const a = await startHarness();
        const b = await startHarness();
        try {
            const at = (h: Harness, extra: Properties = {}) => ({
                baseUrl: h.emulator.baseUrl,
                clientId: h.clientId,
                clientSecret: h.clientSecret,
                apiVersion: "v2025",
                ...extra,
            });
            const here = at(a);
            assert.deepEqual(await diffConfig(here, here), { changes: DIFF_NONE, replaces: [], diffs: [] });
            // Another tenant: each side's own token endpoint says so, each with its own credentials.
            const other = await diffConfig(here, at(b));
            assert.deepEqual(other, {
                changes: DIFF_SOME,
                replaces: ["baseUrl", "clientId"],
                diffs: ["baseUrl", "clientId", "clientSecret"],
            });
            assert.ok(a.emulator.requests.every((r) => !JSON.stringify(r).includes(b.clientId)));
            assert.ok(b.emulator.requests.every((r) => !JSON.stringify(r).includes(a.clientId)));
            // A second URL of the same tenant: in place, so the tokens stay.
            const alias = at(a, { baseUrl: a.emulator.baseUrl.replace("127.0.0.1", "localhost") });
            assert.notEqual(alias.baseUrl, here.baseUrl);
            assert.deepEqual(await diffConfig(here, alias), {
                changes: DIFF_SOME,
                replaces: [],
                diffs: ["baseUrl"],
            });
            // Another API client of the same identity: in place; of another identity: like another tenant.
            const sameIdentity = "second-client-secret-00112233445566";
            const otherIdentity = "other-identity-secret-8899aabbccddeeff";
            addClients(a, sameIdentity, otherIdentity);
            const second = await diffConfig(here, at(a, { clientId: "second", clientSecret: sameIdentity }));
            assert.deepEqual(second.replaces, []);
            const stranger = await diffConfig(
                here,
                at(a, { clientId: "stranger", clientSecret: otherIdentity }),
            );
            assert.deepEqual(stranger.replaces, ["clientId"]);
            for (const key of ["clientSecret", "apiVersion"]) {
                const diff = await diffConfig(here, {
                    ...here,
                    [key]: key === "apiVersion" ? "v1" : "other",
                });
                assert.deepEqual(diff, { changes: DIFF_SOME, replaces: [], diffs: [key] }, key);
            }
            // The same tenant spelled with a trailing slash is the same tenant, with no request.
            const before = a.emulator.requests.length;
            assert.deepEqual((await diffConfig(here, { ...here, baseUrl: `${here.baseUrl}/` })).replaces, []);
            // A tenant not known yet (preview) may be another one.
            assert.deepEqual((await diffConfig(here, { ...here, baseUrl: UNKNOWN })).replaces, ["baseUrl"]);
            assert.equal(a.emulator.requests.length, before);
        } finally {
            await a.emulator.stop();
            await b.emulator.stop();
        }
    });
});

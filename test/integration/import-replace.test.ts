// `pulumi import` (a read by id alone) and `up --replace` (check, create, delete: no diff), in the
// engine's order of calls, a new provider process for each pulumi command: over gRPC for the
// plugin, through the lifecycle methods for the dynamic door.
import assert from "node:assert/strict";
import { RESOURCE_TOKEN } from "../../provider/native/package-schema";
import type { Properties } from "../../provider/native/values";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, inDays, startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { mints } from "../support/mint";
import { exitOf, until } from "../support/until";
import {
    checkRequest,
    configureRequest,
    pb,
    plainOf,
    secret,
    startPlugin,
    toStruct,
    URN,
    type CheckResponse,
    type Plugin,
} from "../support/plugin";

type Struct = ReturnType<typeof toStruct>;
const plain = plainOf;
const unwrapped = (value: unknown): unknown =>
    typeof value === "object" && value !== null && "value" in value ? (value as Properties).value : value;

describe("import and explicit replacement, in the engine's order of calls", function () {
    this.timeout(60_000);
    let h: Harness;
    const plugins: Plugin[] = [];

    /** One pulumi command's plugin process, configured for the harness's tenant. */
    async function command(): Promise<Plugin> {
        const plugin = await startPlugin();
        plugins.push(plugin);
        await plugin.call(
            "configure",
            configureRequest({
                baseUrl: h.emulator.baseUrl,
                clientId: h.clientId,
                clientSecret: secret(h.clientSecret),
            }),
        );
        return plugin;
    }
    async function check(p: Plugin, news: Properties, olds: Properties, name: string) {
        const checked = await p.call<CheckResponse>("check", checkRequest(news, olds, name));
        assert.deepEqual(
            checked.getFailuresList().map((f) => f.toObject()),
            [],
        );
        return checked.getInputs() as Struct;
    }
    async function diff(p: Plugin, id: string, olds: Properties, news: Struct, name: string) {
        const request = new pb.DiffRequest();
        request.setId(id);
        request.setUrn(URN(name));
        request.setType(RESOURCE_TOKEN);
        request.setOlds(toStruct(olds));
        request.setNews(news);
        return p.call<InstanceType<typeof pb.DiffResponse>>("diff", request);
    }
    async function read(p: Plugin, id: string, name: string, props?: Properties) {
        const request = new pb.ReadRequest();
        request.setId(id);
        request.setUrn(URN(name));
        request.setType(RESOURCE_TOKEN);
        if (props) request.setProperties(toStruct(props));
        const answer = await p.call<InstanceType<typeof pb.ReadResponse>>("read", request);
        return {
            id: answer.getId(),
            props: plain(answer.getProperties()),
            inputs: plain(answer.getInputs()),
        };
    }
    async function create(p: Plugin, news: Struct, name: string) {
        const request = new pb.CreateRequest();
        request.setUrn(URN(name));
        request.setType(RESOURCE_TOKEN);
        request.setProperties(news);
        const created = await p.call<InstanceType<typeof pb.CreateResponse>>("create", request);
        const outs = plain(created.getProperties());
        hygiene.secret(unwrapped(outs.secret) as string);
        return { id: created.getId(), outs, refreshBeforeUpdate: created.getRefreshBeforeUpdate() };
    }
    async function update(p: Plugin, id: string, olds: Properties, news: Struct, name: string) {
        const request = new pb.UpdateRequest();
        request.setId(id);
        request.setUrn(URN(name));
        request.setType(RESOURCE_TOKEN);
        request.setOlds(toStruct(olds));
        request.setNews(news);
        return plain(
            (await p.call<InstanceType<typeof pb.UpdateResponse>>("update", request)).getProperties(),
        );
    }
    async function remove(p: Plugin, id: string, props: Properties, name: string) {
        const request = new pb.DeleteRequest();
        request.setId(id);
        request.setUrn(URN(name));
        request.setType(RESOURCE_TOKEN);
        request.setProperties(toStruct(props));
        await p.call("delete", request);
    }
    /** A token the stack does not know: made, its secret kept by "its users". */
    async function unmanaged(raw: Record<string, unknown>) {
        const made = await createToken(h.provider({ notify: () => undefined }), raw);
        return { id: made.id, secret: made.outs.secret };
    }

    beforeEach(async () => {
        h = await startHarness();
    });
    afterEach(async () => {
        for (const p of plugins.splice(0)) await p.stop();
        await h.emulator.stop();
    });

    it("plugin: pulumi import then up keeps the token (same id, its users' secret), says the secret is unknown, and compares dates as instants", async () => {
        const expirationDate = inDays(40);
        const users = await unmanaged({ name: "imported", expirationDate, scope: ["sp:scopes:default"] });

        // pulumi import: Read by id alone, then Check and Diff of the read inputs (the engine's import step).
        const importing = await command();
        const imported = await read(importing, users.id, "imported");
        assert.equal(imported.id, users.id);
        assert.equal(imported.props.adoptTokenId, users.id, "an imported token is an adopted one");
        assert.equal(imported.props.secretKnown, false);
        assert.equal(unwrapped(imported.props.secret), "");
        assert.match(
            String(imported.inputs.expirationDate),
            /\.000Z$/,
            "read spells the date with milliseconds",
        );
        const checkedImport = await check(importing, imported.inputs, imported.inputs, "imported");
        const importDiff = await diff(importing, users.id, imported.props, checkedImport, "imported");
        assert.equal(importDiff.getChanges(), pb.DiffResponse.DiffChanges.DIFF_NONE);
        await until(
            () => /imported as an adopted token.*replaceIfSecretUnknown: true/.test(importing.stderr()),
            "the plugin's notice on stderr",
            { unless: exitOf(importing.process, "the plugin") },
        );

        // pulumi up with a program that declares the imported inputs, the date in another spelling.
        const declared = { name: "imported", expirationDate, scope: ["sp:scopes:default"] };
        h.emulator.resetRequests();
        const up = await command();
        const news = await check(up, declared, imported.inputs, "imported");
        const quiet = await diff(up, users.id, imported.props, news, "imported");
        assert.equal(quiet.getChanges(), pb.DiffResponse.DiffChanges.DIFF_NONE, "no change");
        assert.deepEqual(quiet.getReplacesList(), []);

        // A change is an in-place update that names only what changes (not the date's spelling).
        const renamed = await check(up, { ...declared, name: "imported-2" }, imported.inputs, "imported");
        const change = await diff(up, users.id, imported.props, renamed, "imported");
        assert.equal(change.getChanges(), pb.DiffResponse.DiffChanges.DIFF_SOME);
        assert.deepEqual(change.getReplacesList(), []);
        assert.deepEqual(change.getDiffsList(), ["name"]);
        assert.deepEqual([...change.getDetaileddiffMap().keys()], ["name"]);
        const updated = await update(up, users.id, imported.props, renamed, "imported");
        assert.equal(updated.adoptTokenId, users.id, "still adopted");
        assert.deepEqual(
            h.emulator.tokens().map((t) => [t.id, t.name]),
            [[users.id, "imported-2"]],
        );
        assert.equal(h.emulator.counts().create + h.emulator.counts().delete, 0);
        assert.ok(await mints(h.emulator.baseUrl, users.id, users.secret), "its users' secret works");

        // The existing way to ask for a fresh token: replaceIfSecretUnknown.
        const fresh = await check(
            up,
            { ...declared, name: "imported-2", replaceIfSecretUnknown: true },
            {},
            "imported",
        );
        const replacing = await diff(up, users.id, updated, fresh, "imported");
        assert.deepEqual(replacing.getReplacesList(), ["secret"]);
    });

    it("dynamic door: a read by id alone (only the serialized provider) is an adoption too", async () => {
        const expirationDate = inDays(40);
        const users = await unmanaged({ name: "dyn-imported", expirationDate });
        const notices: string[] = [];
        const read = await h
            .provider({ notify: (m) => notices.push(m) })
            .read(users.id, { __provider: "serialized" } as unknown as TokenOutputs);
        const props = read.props as TokenOutputs;
        assert.equal(props.adoptTokenId, users.id);
        assert.equal(props.secretKnown, false);
        assert.ok(
            notices.some((n) => n.includes("replaceIfSecretUnknown: true")),
            notices.join("\n"),
        );

        const next = h.provider({ notify: () => undefined });
        const { inputs } = await next.check(read.inputs, { name: "dyn-imported", expirationDate });
        const planned = await next.diff(users.id, props, inputs as CheckedInputs);
        assert.equal(planned.changes, false);
        assert.ok(await mints(h.emulator.baseUrl, users.id, users.secret));
    });

    for (const adoption of ["onNameConflict", "adoptTokenId"] as const) {
        it(`plugin: a replacement without diff (replaceWith: check with the state, create, delete; no diff) ends with a new token and the old one deleted (${adoption})`, async () => {
            const users = await unmanaged({ name: "leaked", expirationDate: inDays(40) });
            const declared: Properties = { name: "leaked", expirationDate: inDays(40) };
            if (adoption === "adoptTokenId") declared.adoptTokenId = users.id;
            else declared.onNameConflict = "adopt";
            // The first up: the resource takes the token of its name over.
            const first = await command();
            const news = await check(first, declared, {}, "leaked");
            const made = await create(first, news, "leaked");
            assert.equal(made.id, users.id, "adopted");

            // After the leak, a replacement the engine decides without diff (replaceWith): check with the
            // inputs in state, create, then delete of the original.
            const replace = await command();
            const again = await check(replace, declared, plain(news), "leaked");
            const fresh = await create(replace, again, "leaked");
            await remove(replace, made.id, made.outs, "leaked");
            assert.notEqual(fresh.id, users.id, "a new token");
            const secretValue = unwrapped(fresh.outs.secret) as string;
            assert.ok(secretValue.length > 0, "its secret is in the state");
            assert.equal(fresh.outs.adoptTokenId, undefined);
            assert.deepEqual(
                h.emulator.tokens().map((t) => [t.id, t.name]),
                [[fresh.id, "leaked"]],
                "the leaked token is deleted",
            );
            assert.equal(
                await mints(h.emulator.baseUrl, users.id, users.secret),
                false,
                "the leak is revoked",
            );
            assert.ok(await mints(h.emulator.baseUrl, fresh.id, secretValue));
        });
    }

    it("dynamic door: a replacement without diff (replaceWith's order) ends with a new token and the old one deleted", async () => {
        const users = await unmanaged({ name: "dyn-leaked", expirationDate: inDays(40) });
        const raw = { name: "dyn-leaked", expirationDate: inDays(40), onNameConflict: "adopt" };
        const first = await createToken(h.provider({ notify: () => undefined }), raw);
        assert.equal(first.id, users.id);

        const notices: string[] = [];
        const replace = h.provider({ notify: (m) => notices.push(m) });
        const { inputs } = await replace.check(first.inputs, raw);
        const created = await replace.create(inputs as CheckedInputs);
        const fresh = { id: created.id, outs: created.outs as TokenOutputs };
        hygiene.secret(fresh.outs.secret);
        await replace.delete(first.id, first.outs);
        assert.notEqual(fresh.id, users.id);
        assert.ok(fresh.outs.secret.length > 0);
        assert.deepEqual(
            h.emulator.tokens().map((t) => t.id),
            [fresh.id],
        );
        assert.equal(await mints(h.emulator.baseUrl, users.id, users.secret), false);
        assert.ok(
            notices.some((n) => n.includes("replaced on request")),
            notices.join("\n"),
        );
    });

    it("plugin: up --replace (read and the refresh's diff, check with no state, create, delete of the same URN) of an adopting resource ends with a new token and the old one deleted; with no read first it warns that the token was kept, and the next --replace ends it", async () => {
        const users = await unmanaged({ name: "self", expirationDate: inDays(40) });
        const declared: Properties = { name: "self", expirationDate: inDays(40), onNameConflict: "adopt" };
        const first = await command();
        const made = await create(first, await check(first, declared, {}, "self"), "self");
        assert.equal(made.id, users.id);
        assert.equal(made.refreshBeforeUpdate, true, "the engine is asked to read it before each update");

        // A state written before the plugin asked for that: no read comes first, so the create
        // cannot tell a replacement from a new resource: it adopts its own token, and says so.
        const replace = await command();
        const again = await create(replace, await check(replace, declared, {}, "self"), "self");
        await remove(replace, made.id, made.outs, "self");
        assert.equal(again.id, users.id, "the create cannot tell: it adopts its own token");
        assert.equal(again.refreshBeforeUpdate, true);
        // stderr reaches this process after the answer: wait for the line (the mocha timeout bounds it).
        const warning = new RegExp(
            `replacement adopted the same token ${users.id}.*not deleted.*run pulumi up --replace ${URN("self")} again`,
        );
        await until(() => warning.test(replace.stderr()), "the plugin's warning on stderr", {
            unless: exitOf(replace.process, "the plugin"),
        });
        assert.ok(await mints(h.emulator.baseUrl, users.id, users.secret));

        // The next up --replace, in the engine's order now: the refresh (read, then its own diff, for
        // display), check without the state, create, delete of the original.
        const next = await command();
        const refreshed = await read(next, users.id, "self", again.outs);
        const shown = await diff(next, users.id, refreshed.props, toStruct(refreshed.inputs), "self");
        assert.equal(shown.getChanges(), pb.DiffResponse.DiffChanges.DIFF_NONE);
        await check(next, declared, {}, "self");
        await until(() => /replaced on request/.test(next.stderr()), "the check's notice", {
            unless: exitOf(next.process, "the plugin"),
        });
        const fresh = await create(next, await check(next, declared, {}, "self"), "self");
        await remove(next, users.id, again.outs, "self");
        assert.notEqual(fresh.id, users.id);
        assert.ok((unwrapped(fresh.outs.secret) as string).length > 0, "its secret is in the state");
        assert.deepEqual(
            h.emulator.tokens().map((t) => [t.id, t.name]),
            [[fresh.id, "self"]],
        );
        assert.equal(await mints(h.emulator.baseUrl, users.id, users.secret), false, "revoked");

        // A plain up after a read: the update's own diff follows, and a check without the state
        // (a diff-decided replacement's) is no replacement on request.
        const plainUp = await command();
        const again2 = await read(plainUp, fresh.id, "self", fresh.outs);
        await diff(plainUp, fresh.id, again2.props, toStruct(again2.inputs), "self");
        const news = await check(plainUp, declared, again2.inputs, "self");
        await diff(plainUp, fresh.id, again2.props, news, "self");
        await check(plainUp, declared, {}, "self");
        plugins.splice(plugins.indexOf(plainUp), 1);
        await plainUp.stop();
        assert.doesNotMatch(plainUp.stderr(), /replaced on request/);
    });
});

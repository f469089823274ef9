// Lost creates under hostile answers, against the emulator over HTTP: unreadable 200s, a list that
// keeps failing, a server clock minutes off, a foreign token of the same name, a clean-up delete
// that fails. Each ends with exactly one token whose secret the state holds, or with an error that
// is true and names what is at the API; a token the provider did not make is never touched.
import assert from "node:assert/strict";
import type { FaultKind } from "../../emulator";
import { TokenInitializationError } from "../../provider";
import type { TokenRecord } from "../../wire/api-types";
import type { CheckedInputs } from "../../provider/rules/types";
import {
    createToken,
    failure,
    inDays,
    PATIENT_RETRIES,
    startHarness,
    type Harness,
} from "../support/harness";
import { until } from "../support/until";

async function onlyToken(h: Harness, id: string, secret: string): Promise<TokenRecord> {
    await h.emulator.idle();
    const tokens = h.emulator.tokens();
    assert.equal(tokens.length, 1, `exactly one token: ${tokens.map((t) => t.name).join(", ")}`);
    assert.equal(tokens[0].id, id);
    assert.ok(h.emulator.verifySecret(id, secret), "the state holds the token's secret");
    return tokens[0];
}

/** The owner's identity id (the harness's API client acts as a fresh identity). */
async function ownerOf(h: Harness): Promise<string> {
    const probe = await createToken(h.provider(), { name: "probe", expirationDate: inDays(5) });
    h.emulator.deleteToken(probe.id);
    h.emulator.resetRequests();
    return probe.outs.owner.id;
}

describe("lost creates: hostile answers, skewed clocks, foreign tokens", function () {
    this.timeout(60_000);
    let h: Harness;
    afterEach(async () => {
        await h?.emulator.stop();
    });

    for (const kind of ["create-200-nonjson", "create-200-null", "create-200-empty-object"] as FaultKind[]) {
        it(`a create answered 200 with an unreadable body (${kind}) leaves no orphan`, async () => {
            h = await startHarness();
            h.emulator.faults.add({ kind, times: 1 });
            const { id, outs } = await createToken(h.provider(), {
                name: "garbled",
                expirationDate: inDays(5),
            });
            assert.match(id, /^[0-9a-f]{32}$/);
            await onlyToken(h, id, outs.secret);
            assert.equal(h.emulator.counts().create, 2);
            assert.equal(h.emulator.counts().delete, 1, "the token made by the garbled create was deleted");
        });
    }

    for (const offsetMinutes of [-5, 5]) {
        it(`a lost create is found on the server's clock, ${Math.abs(offsetMinutes)} minutes ${offsetMinutes < 0 ? "behind" : "ahead of"} the client's`, async () => {
            h = await startHarness({ clockOffsetMs: offsetMinutes * 60_000 });
            h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
            const { id, outs } = await createToken(h.provider(), {
                name: "skewed",
                expirationDate: inDays(5),
            });
            await onlyToken(h, id, outs.secret);
            assert.equal(h.emulator.counts().delete, 1);
        });
    }

    it("a lost create whose follow-up list fails six times still finds and deletes its token", async () => {
        h = await startHarness();
        h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
        // The list before the POST answers; the six after it fail.
        h.emulator.faults.add({ kind: "500", method: "GET", skip: 1, times: 6 });
        const { id, outs } = await createToken(h.provider(), { name: "unlisted", expirationDate: inDays(5) });
        await onlyToken(h, id, outs.secret);
        assert.equal(h.emulator.counts().delete, 1);
    });

    it("after the last round the error says what the provider deleted, or that it found nothing", async () => {
        h = await startHarness();
        h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 3 });
        const error = await failure(
            "three lost creates",
            createToken(h.provider(), { name: "thrice", expirationDate: inDays(5) }),
        );
        assert.equal(h.emulator.tokens().length, 0);
        const deletes = h.emulator.requests.filter((r) => r.operation === "delete" && r.status === 204);
        assert.equal(deletes.length, 3);
        assert.match(error.message, /Tried 3 times; the provider deleted the tokens these attempts made/);
        for (const d of deletes) assert.ok(error.message.includes(`id ${d.path.split("/").pop()}, created `));
        assert.match(error.message, /; it last listed the owner's tokens at or after \S+ \(server clock\)/);

        h.emulator.faults.add({ kind: "503", method: "POST", times: 3 });
        const refused = await failure(
            "three refused creates",
            createToken(h.provider(), { name: "refused", expirationDate: inDays(5) }),
        );
        assert.match(
            refused.message,
            /returned HTTP 503.*Tried 3 times; the provider found no token made by these attempts/,
        );
        assert.equal(h.emulator.tokens().length, 0);
    });

    it("a 500 on create whose list never answers: a true error naming the name, the time and the recovery", async () => {
        h = await startHarness();
        h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
        h.emulator.faults.add({ kind: "500", method: "GET", skip: 1 });
        const error = await failure(
            "unlisted create",
            createToken(h.provider(), { name: "unknowable", expirationDate: inDays(5) }),
        );
        const [made] = h.emulator.tokens();
        assert.equal(made.name, "unknowable");
        assert.match(error.message, /Whether a token was made is unknown/);
        assert.match(error.message, /Nothing was deleted/);
        assert.match(error.message, /GET \/personal-access-tokens\/v1\?owner-id=me/);
        const since = /created at or after (\S+) \(server clock\)/.exec(error.message);
        assert.ok(since, error.message);
        assert.ok(Date.parse(since[1]) <= Date.parse(made.created), "the window holds the token");
        assert.match(error.message, /DELETE \/personal-access-tokens\/v1\/<its id>/);
        assert.equal(h.emulator.counts().delete, 0);
    });

    it("never deletes a same-named token made before the attempt (another stack's), names it instead", async () => {
        h = await startHarness();
        const owner = await ownerOf(h);
        const expirationDate = inDays(5);
        // Same name, same fields: only the time tells them apart.
        const foreign = h.emulator.createToken(owner, { name: "shared", expirationDate });
        h.emulator.clock.advance(2_000);
        h.emulator.faults.add({ kind: "503", method: "POST", times: 1 });
        const error = await failure(
            "foreign token",
            createToken(h.provider(), { name: "shared", expirationDate }),
        );
        assert.ok(h.emulator.verifySecret(foreign.id, foreign.secret), "the foreign token is untouched");
        assert.equal(h.emulator.tokens().length, 1);
        assert.equal(h.emulator.counts().delete, 0);
        assert.match(
            error.message,
            new RegExp(`id ${foreign.id}, created ${foreign.created.replace(/\./g, "\\.")}`),
        );
        assert.match(error.message, /created before this create began/);
        assert.match(error.message, /it was left alone/);
        assert.match(error.message, new RegExp(`DELETE /personal-access-tokens/v1/${foreign.id}`));
    });

    it("never deletes a same-named token with the same fields made half a second before the attempt", async () => {
        h = await startHarness();
        const owner = await ownerOf(h);
        const expirationDate = inDays(5);
        // The foreign token is made half a second before a whole second of the server's clock, the
        // attempt just after it: every answer's Date header then bounds the attempt's start to within
        // the round trip, and a provider allowing a second of slack before it would take the foreign
        // token for its own and delete it.
        const second = Math.ceil(h.emulator.clock.nowMs() / 1_000) * 1_000 + 1_000;
        h.emulator.clock.set(second - 500);
        const foreign = h.emulator.createToken(owner, { name: "shared", expirationDate });
        h.emulator.clock.set(second);
        h.emulator.faults.add({ kind: "503", method: "POST", times: 1 });
        const error = await failure(
            "foreign token half a second before",
            createToken(h.provider(), { name: "shared", expirationDate }),
        );
        await h.emulator.idle();
        assert.ok(h.emulator.verifySecret(foreign.id, foreign.secret), "the foreign token is untouched");
        assert.equal(h.emulator.counts().delete, 0);
        assert.match(error.message, /created before this create began/);
        assert.match(error.message, new RegExp(`id ${foreign.id}`));
    });

    it("never deletes a same-named token with the same fields made just before the attempt, mid-second", async () => {
        h = await startHarness();
        const owner = await ownerOf(h);
        const expirationDate = inDays(5);
        // Mid-second: the Date headers the provider reads say the whole second, half a second and more
        // before the attempt began, so its creation time lies inside the bound; only the owner's list
        // before the POST tells it from this create's.
        h.emulator.clock.set(Math.ceil(h.emulator.clock.nowMs() / 1_000) * 1_000 + 500);
        const foreign = h.emulator.createToken(owner, { name: "shared", expirationDate });
        h.emulator.faults.add({ kind: "503", method: "POST", times: 1 });
        const error = await failure(
            "foreign token just before",
            createToken(h.provider(), { name: "shared", expirationDate }),
        );
        await h.emulator.idle();
        assert.ok(h.emulator.verifySecret(foreign.id, foreign.secret), "the foreign token is untouched");
        assert.equal(h.emulator.counts().delete, 0);
        assert.match(error.message, new RegExp(`id ${foreign.id}, created `));
        assert.match(error.message, /the owner's list held it before this create sent its request/);
        assert.deepEqual(
            h.emulator.requests.filter((r) => r.operation !== "token").map((r) => r.operation),
            ["list", "create", "list"],
        );
    });

    it("never deletes a same-named token with the same fields made just after the attempt began", async () => {
        h = await startHarness();
        const owner = await ownerOf(h);
        const expirationDate = inDays(5);
        // The create has begun: its list of the owner's tokens is held at the emulator, not yet
        // answered, when the foreign token is made. Same name, same fields, after the start.
        // Held long enough for a loaded machine to see it; the patient timeout never gives up on it.
        h.emulator.faults.add({ kind: "delay", method: "GET", times: 1, delayMs: 2_000 });
        h.emulator.faults.add({ kind: "503", method: "POST", times: 1 });
        const begun = h.emulator.clock.nowMs();
        const attempt = failure(
            "foreign token just after the start",
            createToken(h.provider({ retryPolicy: PATIENT_RETRIES }), { name: "shared", expirationDate }),
        );
        const held = () => h.emulator.requests.find((r) => r.operation === "list" && r.faulted === "delay");
        await until(() => held() !== undefined, "the list at the emulator", {
            unless: attempt.then(() => "the create ended first"),
        });
        const foreign = h.emulator.createToken(owner, { name: "shared", expirationDate });
        assert.ok(Date.parse(foreign.created) > begun, "made after the create began");
        assert.equal(held()?.status, null, "the foreign token came before the list was answered");
        const error = await attempt;
        await h.emulator.idle();
        assert.ok(h.emulator.verifySecret(foreign.id, foreign.secret), "the foreign token is untouched");
        assert.equal(h.emulator.counts().delete, 0);
        assert.match(error.message, new RegExp(`id ${foreign.id}, created `));
        assert.match(error.message, /the owner's list held it before this create sent its request/);
    });

    it("never deletes a same-named token made during the attempt with other fields", async () => {
        h = await startHarness();
        const owner = await ownerOf(h);
        h.emulator.faults.add({ kind: "delay", method: "POST", times: 1, delayMs: 1_500 });
        const attempt = failure(
            "foreign token during the attempt",
            createToken(h.provider(), { name: "raced", expirationDate: inDays(5) }),
        );
        // The create has reached the emulator and is held there, not yet processed.
        const held = () => h.emulator.requests.find((r) => r.operation === "create" && r.faulted === "delay");
        await until(() => held() !== undefined, "the create at the emulator", {
            unless: attempt.then(() => "the create ended first"),
        });
        const foreign = h.emulator.createToken(owner, { name: "raced", scope: ["sp:scopes:default"] });
        assert.equal(held()?.status, null, "the foreign token came before the create was processed");
        const error = await attempt;
        await h.emulator.idle();
        assert.ok(h.emulator.verifySecret(foreign.id, foreign.secret));
        assert.equal(h.emulator.tokens().length, 1);
        assert.match(error.message, /its scope, expirationDate differ from what this create asked for/);
    });

    it("a lost create whose clean-up delete fails is handed to the engine with the serialized provider", async () => {
        h = await startHarness();
        const p = h.provider();
        h.emulator.faults.add({ kind: "reset-after", method: "POST", times: 1 });
        h.emulator.faults.add({ kind: "500", method: "DELETE" });
        const { inputs } = await p.check(
            {},
            { name: "wedged", scope: ["sp:scopes:default"], expirationDate: inDays(5) },
        );
        const serialized = "exports.handler = () => undefined;";
        const error = await failure(
            "init failure",
            p.create({ ...(inputs as CheckedInputs), __provider: serialized } as CheckedInputs),
        );
        assert.ok(error instanceof TokenInitializationError);
        const [token] = h.emulator.tokens();
        assert.equal(error.id, token.id);
        assert.equal((error.properties as Record<string, unknown>).__provider, serialized);
        assert.equal(error.properties.secret, "");
        assert.deepEqual(
            error.properties.scope,
            ["sp:scopes:default"],
            "the outputs follow the declared inputs",
        );
        assert.match(
            error.message,
            new RegExp(`"wedged" \\(id ${token.id}, created ${token.created.replace(/\./g, "\\.")}\\)`),
        );
        assert.match(error.message, /the next pulumi up replaces it/);
        // The next up: diff replaces it (no secret), delete first, then create.
        h.emulator.faults.clear();
        const diff = await p.diff(token.id, error.properties as never, inputs as CheckedInputs);
        assert.ok(diff.replaces?.includes("secret") && diff.deleteBeforeReplace);
    });
});

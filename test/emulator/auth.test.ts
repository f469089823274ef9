import assert from "node:assert/strict";
import type { CreatedTokenRecord, TokenRecord } from "../../wire/api-types";
import type { IscEmulator } from "../../emulator/index";
import { bearer, call, startEmulator, tokenRequest } from "./helpers";
import { DAY } from "../support/time";

function decodeJwt(jwt: string): Record<string, unknown> {
    const parts = jwt.split(".");
    assert.equal(parts.length, 3);
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("emulator: /oauth/token", () => {
    let emu: IscEmulator;
    const client = {
        clientId: "client-a",
        clientSecret: "secret-a",
        identity: { id: "a".repeat(32), name: "Alice" },
    };

    beforeEach(async () => {
        emu = await startEmulator({ clients: [client] });
    });
    afterEach(() => emu.stop());

    it("accepts an urlencoded body and returns an ISC-shaped response", async () => {
        const res = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: client.clientId,
            client_secret: client.clientSecret,
        });
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
        const body = res.body as Record<string, unknown>;
        assert.equal(body.token_type, "bearer");
        assert.equal(body.expires_in, 749);
        assert.equal(body.identity_id, client.identity.id);
        assert.equal(typeof body.tenant_id, "string");
        assert.equal(body.scope, "sp:scopes:all");
        const claims = decodeJwt(body.access_token as string);
        assert.equal(claims.client_id, client.clientId);
        assert.equal(claims.identity_id, client.identity.id);
        assert.ok(Array.isArray(claims.authorities));
        assert.equal(typeof claims.exp, "number");
    });

    it("accepts multipart/form-data", async () => {
        const form = new FormData();
        form.set("grant_type", "client_credentials");
        form.set("client_id", client.clientId);
        form.set("client_secret", client.clientSecret);
        const res = await fetch(`${emu.baseUrl}/oauth/token`, { method: "POST", body: form });
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { token_type: string }).token_type, "bearer");
    });

    it("accepts everything in the query string, and Basic client authentication", async () => {
        const q = new URLSearchParams({
            grant_type: "client_credentials",
            client_id: client.clientId,
            client_secret: client.clientSecret,
        });
        const res = await fetch(`${emu.baseUrl}/oauth/token?${q}`, { method: "POST" });
        assert.equal(res.status, 200);
        const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64");
        const res2 = await fetch(`${emu.baseUrl}/oauth/token?grant_type=client_credentials`, {
            method: "POST",
            headers: { Authorization: `Basic ${basic}` },
        });
        assert.equal(res2.status, 200);
        // The log never keeps the secret.
        const logged = JSON.stringify(emu.requests);
        assert.ok(!logged.includes(client.clientSecret));
        assert.equal(emu.counts().token, 2);
    });

    it("refuses bad credentials and grant types", async () => {
        const bad = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: client.clientId,
            client_secret: "wrong",
        });
        assert.equal(bad.status, 401);
        assert.equal((bad.body as { error: string }).error, "invalid_client");
        const unknown = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: "nobody",
            client_secret: "x",
        });
        assert.equal(unknown.status, 401);
        const grant = await tokenRequest(emu, {
            grant_type: "password",
            client_id: client.clientId,
            client_secret: "x",
        });
        assert.equal(grant.status, 400);
        assert.equal((grant.body as { error: string }).error, "unsupported_grant_type");
        const missing = await tokenRequest(emu, {
            client_id: client.clientId,
            client_secret: client.clientSecret,
        });
        assert.equal(missing.status, 400);
        const get = await fetch(`${emu.baseUrl}/oauth/token`);
        assert.equal(get.status, 405);
    });

    it("answers 401 for a missing, invalid or expired bearer token", async () => {
        const path = "/v3/personal-access-tokens";
        const missing = await call(emu, "GET", path);
        assert.equal(missing.status, 401);
        assert.deepEqual(missing.body, { error: "JWT validation failed: JWT is missing" });
        const invalid = await call(emu, "GET", path, { token: "not.a.jwt" });
        assert.deepEqual(invalid.body, { error: "JWT validation failed: JWT is invalid" });

        const token = await bearer(emu);
        assert.equal((await call(emu, "GET", path, { token })).status, 200);
        emu.expireBearerTokens();
        const expired = await call(emu, "GET", path, { token });
        assert.equal(expired.status, 401);
        assert.deepEqual(expired.body, { error: "JWT validation failed: JWT is expired" });

        const fresh = await bearer(emu);
        assert.equal((await call(emu, "GET", path, { token: fresh })).status, 200);
        emu.clock.advance(749_000);
        assert.deepEqual((await call(emu, "GET", path, { token: fresh })).body, {
            error: "JWT validation failed: JWT is expired",
        });
    });

    it("lets a PAT act as an OAuth client and records lastUsed at most once a day", async () => {
        const admin = await bearer(emu);
        const created = await call<CreatedTokenRecord>(emu, "POST", "/v2025/personal-access-tokens", {
            token: admin,
            body: {
                name: "ci",
                expirationDate: new Date(emu.clock.nowMs() + 30 * DAY).toISOString(),
                accessTokenValiditySeconds: 600,
            },
        });
        assert.equal(created.status, 200);
        const pat = created.body;
        assert.equal(pat.lastUsed, null);

        const res = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: pat.id,
            client_secret: pat.secret,
        });
        assert.equal(res.status, 200);
        const body = res.body as { access_token: string; expires_in: number; identity_id: string };
        assert.equal(body.expires_in, 600);
        assert.equal(body.identity_id, client.identity.id);

        const list = await call<TokenRecord[]>(emu, "GET", "/v2025/personal-access-tokens?owner-id=me", {
            token: body.access_token,
        });
        assert.equal(list.status, 200);
        const firstUse = list.body[0].lastUsed;
        assert.match(firstUse ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

        // Within a day: unchanged. After a day: moves.
        emu.clock.advance(3_600_000);
        await bearer(emu, pat.id, pat.secret);
        assert.equal(emu.tokens()[0].lastUsed, firstUse);
        emu.clock.advance(DAY);
        await bearer(emu, pat.id, pat.secret);
        assert.notEqual(emu.tokens()[0].lastUsed, firstUse);

        const wrong = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: pat.id,
            client_secret: "0".repeat(64),
        });
        assert.equal(wrong.status, 401);
        // An expired PAT mints nothing.
        emu.clock.advance(40 * DAY);
        const expired = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: pat.id,
            client_secret: pat.secret,
        });
        assert.equal(expired.status, 401);
    });

    it("narrows a PAT's bearer rights to its scope", async () => {
        const admin = await bearer(emu);
        const created = await call<CreatedTokenRecord>(emu, "POST", "/v3/personal-access-tokens", {
            token: admin,
            body: { name: "read-only", scope: ["idn:my-personal-access-tokens:read"] },
        });
        const patBearer = await bearer(emu, created.body.id, created.body.secret);
        const mine = await call(emu, "GET", "/v3/personal-access-tokens?owner-id=me", { token: patBearer });
        assert.equal(mine.status, 200);
        const all = await call(emu, "GET", "/v3/personal-access-tokens", { token: patBearer });
        assert.equal(all.status, 403);
        const create = await call(emu, "POST", "/v3/personal-access-tokens", {
            token: patBearer,
            body: { name: "x" },
        });
        assert.equal(create.status, 403);
    });
});

// The emulator's answer faults: the request is processed, then its successful answer is broken.
import assert from "node:assert/strict";
import type { CreatedTokenRecord, TokenRecord } from "../../wire/api-types";
import type { IscEmulator } from "../../emulator/index";
import { bearer, call, daysFromNow, startEmulator, tokenRequest } from "./helpers";

const PATH = "/v2025/personal-access-tokens";

describe("emulator: hostile answers", () => {
    let emu: IscEmulator;
    let token: string;
    let created: CreatedTokenRecord;

    beforeEach(async () => {
        emu = await startEmulator();
        token = await bearer(emu);
        created = (
            await call<CreatedTokenRecord>(emu, "POST", PATH, {
                token,
                body: { name: "target", expirationDate: daysFromNow(emu, 30) },
            })
        ).body;
    });
    afterEach(() => emu.stop());

    it("null-entry puts a null first in a list", async () => {
        emu.faults.add({ kind: "null-entry", method: "GET", times: 1 });
        const res = await call<unknown[]>(emu, "GET", PATH, { token });
        assert.equal(res.status, 200);
        assert.equal(res.body[0], null);
        assert.equal((res.body[1] as TokenRecord).id, created.id);
        assert.equal(emu.requests.at(-1)?.faulted, "null-entry");
    });

    it("empty-200 applies a PATCH and answers 200 with an empty body", async () => {
        emu.faults.add({ kind: "empty-200", method: "PATCH", times: 1 });
        const res = await call(emu, "PATCH", `${PATH}/${created.id}`, {
            token,
            body: [{ op: "replace", path: "/name", value: "renamed" }],
        });
        assert.equal(res.status, 200);
        assert.equal(res.text, "");
        assert.equal(emu.tokens()[0].name, "renamed");
    });

    it("malformed-record drops the owner, makes created a number and scope a string", async () => {
        emu.faults.add({ kind: "malformed-record", method: "GET", times: 1 });
        const res = await call<Record<string, unknown>[]>(emu, "GET", PATH, { token });
        assert.equal(res.body[0].id, created.id);
        assert.equal(res.body[0].owner, undefined);
        assert.equal(typeof res.body[0].created, "number");
        assert.equal(res.body[0].scope, "sp:scopes:all");
    });

    it("slow-body trickles the answer over delayMs", async () => {
        emu.faults.add({ kind: "slow-body", method: "GET", delayMs: 300, times: 1 });
        const started = Date.now();
        const res = await call<TokenRecord[]>(emu, "GET", PATH, { token });
        assert.ok(Date.now() - started >= 250);
        assert.equal(res.body[0].id, created.id);
    });

    it("huge-body answers a valid JSON array of the given size", async () => {
        emu.faults.add({ kind: "huge-body", method: "GET", bytes: 1_000_000, times: 1 });
        const res = await call<unknown[]>(emu, "GET", PATH, { token });
        assert.equal(res.status, 200);
        assert.ok(res.text.length > 900_000 && res.text.length <= 1_000_000, String(res.text.length));
        assert.ok(Array.isArray(res.body));
    });

    it("huge-secret makes a create's secret, or the token endpoint's access_token, that long", async () => {
        emu.faults.add({ kind: "huge-secret", method: "POST", bytes: 10_000, times: 1 });
        const res = await call<CreatedTokenRecord>(emu, "POST", PATH, {
            token,
            body: { name: "long", expirationDate: daysFromNow(emu, 30) },
        });
        assert.equal(res.status, 200);
        assert.equal(res.body.secret, "f".repeat(10_000));
        assert.equal(res.body.name, "long");
        emu.faults.add({ kind: "huge-secret", endpoint: "token", times: 1 });
        const answer = await tokenRequest(emu, {
            grant_type: "client_credentials",
            client_id: emu.defaultClient.clientId,
            client_secret: emu.defaultClient.clientSecret,
        });
        assert.equal((answer.body as { access_token: string }).access_token.length, 16 * 1024 * 1024);
    });

    it("an error answer is not broken", async () => {
        emu.faults.add({ kind: "empty-200", method: "PATCH", times: 1 });
        const res = await call(emu, "PATCH", `${PATH}/nope`, {
            token,
            body: [{ op: "replace", path: "/name", value: "x" }],
        });
        assert.equal(res.status, 404);
        assert.notEqual(res.text, "");
    });
});

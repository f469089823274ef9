import assert from "node:assert/strict";
import type { CreatedTokenRecord, ErrorResponseDto, TokenRecord } from "../../wire/api-types";
import { API_VERSIONS, collectionPath, type IscEmulator } from "../../emulator/index";
import { parseRfc3339 } from "../../emulator/dates";
import { bearer, call, daysFromNow, startEmulator } from "./helpers";
import { DAY } from "../support/time";

const ALICE = { id: "a".repeat(32), name: "Alice" };
const BOB = { id: "b".repeat(32), name: "Bob" };

function assertError(res: { status: number; body: unknown }, status: number, detailCode: string): void {
    assert.equal(res.status, status, JSON.stringify(res.body));
    const body = res.body as ErrorResponseDto;
    assert.equal(body.detailCode, detailCode);
    assert.match(body.trackingId, /^[0-9a-f]{32}$/);
    assert.equal(body.messages[0].locale, "en-US");
    assert.equal(body.messages[0].localeOrigin, "DEFAULT");
    assert.equal(typeof body.messages[0].text, "string");
    assert.deepEqual(body.causes, []);
}

describe("emulator: personal access tokens", () => {
    let emu: IscEmulator;
    let alice: string;

    beforeEach(async () => {
        emu = await startEmulator({
            clients: [
                { clientId: "alice", clientSecret: "alice-secret", identity: ALICE },
                { clientId: "bob", clientSecret: "bob-secret", identity: BOB },
                {
                    clientId: "bob-limited",
                    clientSecret: "s",
                    identity: BOB,
                    rights: ["idn:my-personal-access-tokens:read", "idn:my-personal-access-tokens:manage"],
                },
                { clientId: "nobody", clientSecret: "s", rights: [] },
            ],
        });
        alice = await bearer(emu, "alice", "alice-secret");
    });
    afterEach(() => emu.stop());

    for (const version of API_VERSIONS) {
        it(`${version}: create (200, secret once), list, patch, delete, then 404`, async () => {
            const path = collectionPath(version);
            const legacy = ["beta", "v3", "v2024"].includes(version);
            const created = await call<CreatedTokenRecord>(emu, "POST", path, {
                token: alice,
                body: {
                    name: `pat-${version}`,
                    scope: ["sp:scopes:all"],
                    expirationDate: daysFromNow(emu, 30),
                },
            });
            assert.equal(created.status, 200);
            const pat = created.body;
            assert.match(pat.id, /^[0-9a-f]{32}$/);
            assert.match(pat.secret, /^[0-9a-f]{64}$/);
            assert.deepEqual(pat.owner, { type: "IDENTITY", ...ALICE });
            assert.equal(pat.managed, false);
            assert.equal(pat.lastUsed, null);
            assert.equal(pat.accessTokenValiditySeconds, 43200);
            assert.match(pat.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
            assert.equal("userAwareTokenNeverExpires" in pat, !legacy);
            assert.ok(emu.verifySecret(pat.id, pat.secret));
            assert.ok(!JSON.stringify(emu.tokens()).includes(pat.secret));

            const listed = await call<TokenRecord[]>(emu, "GET", path, { token: alice });
            assert.equal(listed.status, 200);
            assert.equal(listed.body.length, 1);
            assert.equal("secret" in listed.body[0], false);
            assert.equal(listed.body[0].id, pat.id);
            assert.equal("userAwareTokenNeverExpires" in listed.body[0], !legacy);

            const patched = await call<TokenRecord>(emu, "PATCH", `${path}/${pat.id}`, {
                token: alice,
                body: [{ op: "replace", path: "/name", value: "renamed" }],
            });
            assert.equal(patched.status, 200);
            assert.equal(patched.body.name, "renamed");

            const deleted = await call(emu, "DELETE", `${path}/${pat.id}`, { token: alice });
            assert.equal(deleted.status, 204);
            assert.equal(deleted.text, "");
            assertError(
                await call(emu, "DELETE", `${path}/${pat.id}`, { token: alice }),
                404,
                "404 Not found",
            );
            assertError(
                await call(emu, "PATCH", `${path}/${pat.id}`, { token: alice, body: [] }),
                404,
                "404 Not found",
            );
        });
    }

    it("accepts trailing slashes and charset parameters", async () => {
        const res = await call(emu, "POST", "/v3/personal-access-tokens/", {
            token: alice,
            body: { name: "slash" },
            contentType: "application/json; charset=UTF-8",
        });
        assert.equal(res.status, 200);
        assert.equal((await call(emu, "GET", "/personal-access-tokens/v1/", { token: alice })).status, 200);
    });

    it("refuses wrong content types, malformed JSON, unknown routes and methods", async () => {
        const path = "/v3/personal-access-tokens";
        assertError(
            await call(emu, "POST", path, {
                token: alice,
                rawBody: '{"name":"x"}',
                contentType: "text/plain",
            }),
            400,
            "400.1 Bad Request Content",
        );
        assertError(
            await call(emu, "POST", path, {
                token: alice,
                rawBody: '{"name":',
                contentType: "application/json",
            }),
            400,
            "400.1 Bad Request Content",
        );
        const created = await call<CreatedTokenRecord>(emu, "POST", path, {
            token: alice,
            body: { name: "x" },
        });
        const item = `${path}/${created.body.id}`;
        const asJson = await call(emu, "PATCH", item, {
            token: alice,
            body: [{ op: "replace", path: "/name", value: "y" }],
            contentType: "application/json",
        });
        assertError(asJson, 400, "400.1 Bad Request Content");
        assertError(
            await call(emu, "PATCH", item, { token: alice, body: { op: "replace" } }),
            400,
            "400.1 Bad Request Content",
        );
        assertError(await call(emu, "GET", item, { token: alice }), 405, "405 Method Not Allowed");
        assertError(
            await call(emu, "GET", "/v9/personal-access-tokens", { token: alice }),
            404,
            "404 Not found",
        );
    });

    it("lists by owner-id (me, an id, all) and needs the matching rights", async () => {
        await call(emu, "POST", "/v3/personal-access-tokens", { token: alice, body: { name: "a1" } });
        const bob = await bearer(emu, "bob", "bob-secret");
        await call(emu, "POST", "/v3/personal-access-tokens", { token: bob, body: { name: "b1" } });
        emu.createToken(BOB.id, { name: "workflow", managed: true });

        const names = (res: { body: unknown }): string[] =>
            (res.body as TokenRecord[]).map((t) => t.name).sort();
        assert.deepEqual(names(await call(emu, "GET", "/v3/personal-access-tokens", { token: alice })), [
            "a1",
            "b1",
            "workflow",
        ]);
        assert.deepEqual(
            names(await call(emu, "GET", "/v3/personal-access-tokens?owner-id=me", { token: alice })),
            ["a1"],
        );
        assert.deepEqual(
            names(await call(emu, "GET", `/v3/personal-access-tokens?owner-id=${BOB.id}`, { token: alice })),
            ["b1", "workflow"],
        );

        // Only the "my" rights: own tokens (by "me" or by id), managed ones hidden; others' are a 403.
        const limited = await bearer(emu, "bob-limited", "s");
        assert.deepEqual(
            names(await call(emu, "GET", "/v3/personal-access-tokens?owner-id=me", { token: limited })),
            ["b1"],
        );
        assert.deepEqual(
            names(
                await call(emu, "GET", `/v3/personal-access-tokens?owner-id=${BOB.id}`, { token: limited }),
            ),
            ["b1"],
        );
        assertError(
            await call(emu, "GET", "/v3/personal-access-tokens", { token: limited }),
            403,
            "403 Forbidden",
        );
        assertError(
            await call(emu, "GET", `/v3/personal-access-tokens?owner-id=${ALICE.id}`, { token: limited }),
            403,
            "403 Forbidden",
        );

        // Someone else's token without the "all" right: 404. No manage right at all: 403.
        const aliceToken = emu.tokens().find((t) => t.name === "a1");
        assert.ok(aliceToken);
        assertError(
            await call(emu, "DELETE", `/v3/personal-access-tokens/${aliceToken.id}`, { token: limited }),
            404,
            "404 Not found",
        );
        const nobody = await bearer(emu, "nobody", "s");
        assertError(
            await call(emu, "GET", "/v3/personal-access-tokens?owner-id=me", { token: nobody }),
            403,
            "403 Forbidden",
        );
        assertError(
            await call(emu, "POST", "/v3/personal-access-tokens", { token: nobody, body: { name: "n" } }),
            403,
            "403 Forbidden",
        );
        assertError(
            await call(emu, "DELETE", `/v3/personal-access-tokens/${aliceToken.id}`, { token: nobody }),
            403,
            "403 Forbidden",
        );
        // An admin may manage others' tokens.
        assert.equal(
            (
                await call(emu, "DELETE", `/v3/personal-access-tokens/${aliceToken.id}`, {
                    token: await bearer(emu, "bob", "bob-secret"),
                })
            ).status,
            204,
        );
    });

    it("filters on lastUsed le and isnull, and refuses other filters", async () => {
        const used = emu.createToken(ALICE.id, { name: "used" });
        emu.createToken(ALICE.id, { name: "unused" });
        await bearer(emu, used.id, used.secret);
        const path = "/v2025/personal-access-tokens";
        const q = (f: string): string => `${path}?owner-id=me&filters=${encodeURIComponent(f)}`;
        const names = async (f: string): Promise<string[]> =>
            (await call<TokenRecord[]>(emu, "GET", q(f), { token: alice })).body.map((t) => t.name);
        assert.deepEqual(await names("lastUsed isnull"), ["unused"]);
        assert.deepEqual(await names(`lastUsed le ${daysFromNow(emu, 1)}`), ["used"]);
        assert.deepEqual(await names(`lastUsed le ${daysFromNow(emu, -1)}`), []);
        for (const bad of [
            'name eq "used"',
            "lastUsed gt 2020-01-01T00:00:00Z",
            "lastUsed LE 2020-01-01T00:00:00Z",
            'lastUsed le "2020-01-01T00:00:00Z"',
        ]) {
            assertError(await call(emu, "GET", q(bad), { token: alice }), 400, "400.1 Bad Request Content");
        }
        // limit/offset/sorters are ignored.
        const all = await call<TokenRecord[]>(emu, "GET", `${path}?limit=1&offset=5&sorters=name`, {
            token: alice,
        });
        assert.equal(all.body.length, 2);
    });

    it("keeps names unique per owner", async () => {
        const path = "/v3/personal-access-tokens";
        assert.equal((await call(emu, "POST", path, { token: alice, body: { name: "dup" } })).status, 200);
        assertError(
            await call(emu, "POST", path, { token: alice, body: { name: "dup" } }),
            400,
            "400.1 Bad Request Content",
        );
        const bob = await bearer(emu, "bob", "bob-secret");
        assert.equal((await call(emu, "POST", path, { token: bob, body: { name: "dup" } })).status, 200);
        const other = await call<CreatedTokenRecord>(emu, "POST", path, {
            token: alice,
            body: { name: "other" },
        });
        assertError(
            await call(emu, "PATCH", `${path}/${other.body.id}`, {
                token: alice,
                body: [{ op: "replace", path: "/name", value: "dup" }],
            }),
            400,
            "400.1 Bad Request Content",
        );
    });

    describe("create validation", () => {
        const create = (version: string, body: unknown) =>
            call<CreatedTokenRecord>(emu, "POST", collectionPath(version as "v3"), { token: alice, body });

        it("old versions: default 6 months, future dates at most 6 months ahead, no acknowledgment", async () => {
            for (const version of ["beta", "v3", "v2024"]) {
                const res = await create(version, { name: `default-${version}` });
                assert.equal(res.status, 200);
                const expiry = new Date(res.body.expirationDate ?? "").getTime();
                const days = (expiry - emu.clock.nowMs()) / DAY;
                assert.ok(days > 180 && days < 185, `expiry ${days} days ahead`);
                assert.equal(
                    (
                        await create(version, {
                            name: `in5m-${version}`,
                            expirationDate: daysFromNow(emu, 150),
                        })
                    ).status,
                    200,
                );
                assertError(
                    await create(version, { name: "past", expirationDate: daysFromNow(emu, -1) }),
                    400,
                    "400.1 Bad Request Content",
                );
                assertError(
                    await create(version, { name: "far", expirationDate: daysFromNow(emu, 200) }),
                    400,
                    "400.1 Bad Request Content",
                );
                assertError(
                    await create(version, {
                        name: "ack",
                        expirationDate: daysFromNow(emu, 10),
                        userAwareTokenNeverExpires: false,
                    }),
                    400,
                    "400.1 Bad Request Content",
                );
            }
        });

        it("new versions: any future date, never-expiring needs the acknowledgment", async () => {
            for (const version of ["v2025", "v2026", "v1"]) {
                const far = await create(version, {
                    name: `far-${version}`,
                    expirationDate: daysFromNow(emu, 1000),
                });
                assert.equal(far.status, 200);
                assert.equal(far.body.userAwareTokenNeverExpires, false);
                assertError(await create(version, { name: "never" }), 400, "400.1 Bad Request Content");
                assertError(
                    await create(version, {
                        name: "never",
                        expirationDate: null,
                        userAwareTokenNeverExpires: false,
                    }),
                    400,
                    "400.1 Bad Request Content",
                );
                const never = await create(version, {
                    name: `never-${version}`,
                    userAwareTokenNeverExpires: true,
                });
                assert.equal(never.status, 200);
                assert.equal(never.body.expirationDate, null);
                assert.equal(never.body.userAwareTokenNeverExpires, true);
                assertError(
                    await create(version, { name: "past", expirationDate: daysFromNow(emu, -1) }),
                    400,
                    "400.1 Bad Request Content",
                );
            }
        });

        it("checks names, scopes, validity seconds, dates and unknown fields", async () => {
            const bad: unknown[] = [
                {},
                { name: "" },
                { name: 5 },
                { name: "s", scope: "sp:scopes:all" },
                { name: "s", scope: [] },
                { name: "s", scope: [1] },
                { name: "v", accessTokenValiditySeconds: 14 },
                { name: "v", accessTokenValiditySeconds: 43201 },
                { name: "v", accessTokenValiditySeconds: 60.5 },
                { name: "d", expirationDate: "2030-02-30T00:00:00Z" },
                { name: "d", expirationDate: "tomorrow" },
                { name: "u", owner: ALICE },
                [],
            ];
            for (const body of bad) assertError(await create("v3", body), 400, "400.1 Bad Request Content");
            // The example a malformed date is answered with is a valid one now, never a past date.
            const malformed = await create("v3", { name: "d", expirationDate: "tomorrow" });
            const example = /e\.g\. (\S+)$/.exec(
                (malformed.body as unknown as ErrorResponseDto).messages[0].text,
            )?.[1];
            assert.ok(example && parseRfc3339(example)!.getTime() > emu.clock.nowMs(), String(example));
            assert.equal((await create("v3", { name: "example", expirationDate: example })).status, 200);
            const ok = await create("v3", {
                name: "null-scope",
                scope: null,
                accessTokenValiditySeconds: 15,
            });
            assert.equal(ok.status, 200);
            assert.equal(ok.body.scope, null);
            assert.equal(ok.body.accessTokenValiditySeconds, 15);
            // Dates are normalised to UTC with milliseconds.
            const offset = new Date(emu.clock.nowMs() + 10 * DAY).toISOString().slice(0, 10);
            const dated = await create("v3", { name: "dated", expirationDate: `${offset}T12:00:00+02:00` });
            assert.equal(dated.body.expirationDate, `${offset}T10:00:00.000Z`);
        });
    });

    describe("patch validation", () => {
        let id: string;
        const patch = (version: string, ops: unknown) =>
            call<TokenRecord>(emu, "PATCH", `${collectionPath(version as "v3")}/${id}`, {
                token: alice,
                body: ops,
            });

        beforeEach(async () => {
            const res = await call<CreatedTokenRecord>(emu, "POST", "/v2025/personal-access-tokens", {
                token: alice,
                body: { name: "p", expirationDate: daysFromNow(emu, 30) },
            });
            id = res.body.id;
        });

        it("patches name and scope on every version, expiry only on new ones", async () => {
            for (const version of API_VERSIONS) {
                const res = await patch(version, [
                    { op: "replace", path: "/scope", value: ["idn:access-request:manage"] },
                    { op: "add", path: "/name", value: `n-${version}` },
                ]);
                assert.equal(res.status, 200);
                assert.deepEqual(res.body.scope, ["idn:access-request:manage"]);
                assert.equal(res.body.name, `n-${version}`);
            }
            for (const version of ["beta", "v3", "v2024"]) {
                assertError(
                    await patch(version, [
                        { op: "replace", path: "/expirationDate", value: daysFromNow(emu, 5) },
                    ]),
                    400,
                    "400.1 Bad Request Content",
                );
            }
            const moved = await patch("v2026", [
                { op: "replace", path: "/expirationDate", value: daysFromNow(emu, 900) },
            ]);
            assert.equal(moved.status, 200);
            assertError(
                await patch("v1", [{ op: "replace", path: "/expirationDate", value: daysFromNow(emu, -1) }]),
                400,
                "400.1 Bad Request Content",
            );
        });

        it("clearing the expiry needs the acknowledgment in the same request", async () => {
            assertError(
                await patch("v2025", [{ op: "replace", path: "/expirationDate", value: null }]),
                400,
                "400.1 Bad Request Content",
            );
            const never = await patch("v2025", [
                { op: "replace", path: "/expirationDate", value: null },
                { op: "replace", path: "/userAwareTokenNeverExpires", value: true },
            ]);
            assert.equal(never.status, 200);
            assert.equal(never.body.expirationDate, null);
            assert.equal(never.body.userAwareTokenNeverExpires, true);
            // Withdrawing the acknowledgment of a never-expiring token is refused.
            assertError(
                await patch("v2025", [{ op: "replace", path: "/userAwareTokenNeverExpires", value: false }]),
                400,
                "400.1 Bad Request Content",
            );
            // Already acknowledged, but the same-request rule still holds.
            assertError(
                await patch("v1", [{ op: "replace", path: "/expirationDate", value: null }]),
                400,
                "400.1 Bad Request Content",
            );
        });

        it("refuses non-patchable paths and unsupported ops", async () => {
            for (const ops of [
                [{ op: "replace", path: "/accessTokenValiditySeconds", value: 60 }],
                [{ op: "replace", path: "/owner", value: BOB }],
                [{ op: "remove", path: "/name" }],
                [{ op: "test", path: "/name", value: "p" }],
                [{ op: "replace", path: "/name" }],
                [{ op: "replace", path: "/name", value: "" }],
            ]) {
                assertError(await patch("v2025", ops), 400, "400.1 Bad Request Content");
            }
            assert.equal(emu.tokens()[0].name, "p");
        });
    });

    it("out-of-band helpers change what the API returns", async () => {
        const created = await call<CreatedTokenRecord>(emu, "POST", "/v3/personal-access-tokens", {
            token: alice,
            body: { name: "oob" },
        });
        emu.patchToken(created.body.id, { name: "renamed in UI" });
        const listed = await call<TokenRecord[]>(emu, "GET", "/v3/personal-access-tokens", { token: alice });
        assert.equal(listed.body[0].name, "renamed in UI");
        assert.equal(emu.deleteToken(created.body.id), true);
        assert.deepEqual((await call(emu, "GET", "/v3/personal-access-tokens", { token: alice })).body, []);
        assert.equal(emu.verifySecret(created.body.id, created.body.secret), false);
    });
});

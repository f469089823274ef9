// The ESC rotator's handler on loopback, with ESC played by test/support/esc.ts (a JWKS server, signed
// JWTs, requests posted as ESC posts them) and the emulator as the tenant: the generations it keeps,
// lost answers and their retries, races, and every refusal, each with no request sent to ISC.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rotatorHandler, type RotatorHandler } from "../../provider/rotator";
import { ESC_ENV, FakeEsc, readmeRequest, type EscAnswer } from "../support/esc";
import { FAST_RETRIES, NO_PACING, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { DAY } from "../support/time";
import { mints } from "../support/mint";
import { until } from "../support/until";

const PUBLIC_URL = "https://rotator.acme.example/isc-pat";

interface Rotator {
    handler: RotatorHandler;
    server: Server;
    url: string;
    log: string[];
}

describe("the ESC rotator (isc-pat rotator's handler) against the emulator", function () {
    this.timeout(120_000);
    const ctx = useHarness({ perTest: true });
    let esc: FakeEsc;
    const rotators: Rotator[] = [];

    beforeEach(async () => {
        esc = await FakeEsc.start(() => ctx.h.emulator.clock.nowMs());
    });
    afterEach(async () => {
        for (const r of rotators.splice(0)) {
            await r.handler.settled();
            r.server.closeAllConnections();
            r.server.close();
            const text = r.log.join("\n");
            hygiene.record("rotator log", text);
            assert.deepEqual(hygiene.leaksIn(text), [], "the rotator's log holds no secret");
        }
        await esc.stop();
    });

    /** A rotator process's handler, behind a loopback server; a new one has no memory of earlier ones. */
    async function rotator(
        allowEnvs = [ESC_ENV],
        jwksUrl = esc.jwksUrl,
        env = () => ctx.h.env,
    ): Promise<Rotator> {
        const log: string[] = [];
        const handler = rotatorHandler({
            publicUrl: PUBLIC_URL,
            issuer: "https://api.pulumi.com",
            jwksUrl,
            allowEnvs,
            jwksCooldownMs: 0,
            env,
            now: () => ctx.h.emulator.clock.now(),
            log: (line) => log.push(line),
            retryPolicy: FAST_RETRIES,
            rateLimit: NO_PACING,
        });
        const server = createServer((req, res) => void handler(req, res)).listen(0, "127.0.0.1");
        await once(server, "listening");
        const r = {
            handler,
            server,
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/isc-pat`,
            log,
        };
        rotators.push(r);
        return r;
    }

    const rotate = (
        r: Rotator,
        request: unknown,
        state: unknown,
        options: Parameters<FakeEsc["rotate"]>[3] = {},
    ) => esc.rotate(PUBLIC_URL, request, state, { target: r.url, ...options });

    /** Drops ESC's connection once the rotation has sent its create: the answer is lost. */
    const afterCreate = () => {
        const creates = ctx.h.emulator.counts().create;
        return () => until(() => ctx.h.emulator.counts().create > creates, "the lost attempt's create");
    };
    const ok = (answer: EscAnswer): Record<string, unknown> => {
        assert.equal(answer.status, 200, answer.text);
        return answer.body;
    };
    const works = (a: Record<string, unknown>) =>
        mints(ctx.h.emulator.baseUrl, a.tokenId as string, a.clientSecret as string);
    const ids = () =>
        ctx.h.emulator
            .tokens()
            .map((t) => t.id)
            .sort();

    it("first, second and third rotation with the README's request: two generations, the oldest deleted, the previous still minting", async () => {
        const r = await rotator();
        const request = readmeRequest();
        const first = ok(await rotate(r, request, null));
        assert.equal(first.previous, null);
        assert.match(first.tokenName as string, new RegExp(`^${request.name as string}-esc-\\d{8}T\\d{9}Z$`));
        assert.equal(first.clientId, first.tokenId);
        assert.ok(await works(first));
        ctx.h.emulator.clock.advance(DAY);
        const second = ok(await rotate(r, request, first));
        assert.deepEqual(second.previous, { tokenId: first.tokenId, tokenName: first.tokenName });
        assert.deepEqual(ids(), [first.tokenId, second.tokenId].sort());
        assert.ok((await works(first)) && (await works(second)), "both generations mint");
        ctx.h.emulator.clock.advance(DAY);
        const third = ok(await rotate(r, request, second));
        assert.deepEqual(ids(), [second.tokenId, third.tokenId].sort(), "the oldest is deleted");
        assert.ok(await works(second), "the previous generation still mints bearer tokens");
        assert.ok(await works(third));
        assert.ok(!(await works(first)));
        const [made] = ctx.h.emulator.tokens().filter((t) => t.id === third.tokenId);
        assert.deepEqual(made.scope, request.scope);
        assert.equal(Date.parse(third.expiresAt as string), Date.parse(made.expirationDate as string));
        const lifetime = Date.parse(third.expiresAt as string) - Date.parse(third.rotatedAt as string);
        assert.ok(Math.abs(lifetime - (request.lifetimeDays as number) * DAY) < 1_000);
        assert.equal(ctx.h.emulator.counts().create, 3);
    });

    it("a previous generation that vanished is no error: a new one is made, and the answer says so", async () => {
        const r = await rotator();
        const request = readmeRequest();
        const first = ok(await rotate(r, request, null));
        const second = ok(await rotate(r, request, first));
        ctx.h.emulator.deleteToken(second.tokenId as string);
        const third = ok(await rotate(r, request, second));
        assert.equal(third.previous, null);
        assert.match(String(third.notes), /no longer exists/);
        assert.deepEqual(ids(), [third.tokenId], "the one before was deleted too");
        assert.ok(await works(third));
    });

    it("a lost answer, then ESC's retry with the same state: the same answer from this process; a new process deletes the lost attempt's token", async () => {
        const r = await rotator();
        const request = readmeRequest();
        const first = ok(await rotate(r, request, null));
        const second = ok(await rotate(r, request, first));
        assert.equal((await rotate(r, request, second, { lose: afterCreate() })).status, 0);
        await r.handler.settled();
        assert.equal(ids().length, 2, "the lost attempt made its generation, the oldest went");
        const lost = ids().find((id) => id !== second.tokenId)!;
        const retried = ok(await rotate(r, request, second));
        assert.equal(retried.tokenId, lost, "the retry is answered with the lost attempt's token");
        assert.ok(await works(retried));
        assert.equal(ctx.h.emulator.counts().create, 3, "no third create");

        // Another answer lost, and the retry reaches a rotator that knows nothing of it (restarted).
        assert.equal((await rotate(r, request, retried, { lose: afterCreate() })).status, 0);
        await r.handler.settled();
        const orphan = ids().find((id) => id !== retried.tokenId)!;
        const fresh = await rotator();
        const recovered = ok(await rotate(fresh, request, retried));
        assert.notEqual(recovered.tokenId, orphan);
        assert.deepEqual(ids(), [retried.tokenId, recovered.tokenId].sort(), "no orphan, two generations");
        assert.match(String(recovered.notes), new RegExp(`token ${orphan} .*answer was lost.*deleted`));
        assert.ok((await works(retried)) && (await works(recovered)));
    });

    it("a retry more than an hour after the lost answer: the lost attempt's token is deleted, a new one made", async () => {
        const r = await rotator();
        const request = readmeRequest();
        const first = ok(await rotate(r, request, null));
        await rotate(r, request, first, { lose: afterCreate() });
        await r.handler.settled();
        const lost = ids().find((id) => id !== first.tokenId)!;
        ctx.h.emulator.clock.advance(61 * 60_000);
        const retried = ok(await rotate(r, request, first));
        assert.notEqual(retried.tokenId, lost);
        assert.match(String(retried.notes), new RegExp(`token ${lost}, made by an earlier attempt`));
        assert.deepEqual(ids(), [first.tokenId, retried.tokenId].sort());
    });

    it("a retry racing a new rotation: serialized, never more than two generations, every answer works", async () => {
        const r = await rotator();
        const request = readmeRequest();
        const first = ok(await rotate(r, request, null));
        // The answer to the rotation from `first` is lost; ESC retries while a scheduled rotation starts.
        await rotate(r, request, first, { lose: afterCreate() });
        const [retry, scheduled] = (
            await Promise.all([rotate(r, request, first), rotate(r, request, first)])
        ).map(ok);
        assert.equal(retry.tokenId, scheduled.tokenId, "one generation for the one state");
        assert.ok(ids().length <= 2);
        // A stale retry (from `first` again) racing the next rotation (from the stored answer).
        const [stale, next] = (await Promise.all([rotate(r, request, first), rotate(r, request, retry)])).map(
            ok,
        );
        assert.ok(ids().length <= 2, `${ids().length} generations`);
        assert.ok(await works(next), "the newest answer works");
        assert.ok(
            ids().includes(stale.tokenId as string) && (await works(stale)),
            "the stale answer still works",
        );
        // Two rotations on: the stale state is refused, nothing done.
        const after = ok(await rotate(r, request, next));
        const refused = await rotate(r, request, first);
        assert.equal(refused.status, 409, refused.text);
        assert.match(refused.text, /stale/);
        assert.deepEqual(ids(), [next.tokenId, after.tokenId].sort());
    });

    it("a key the JWKS gained since it was fetched: fetched again on the unknown kid", async () => {
        const r = await rotator();
        ok(await rotate(r, readmeRequest(), null));
        const fetches = esc.jwksFetches;
        esc.rotateKey();
        const answer = ok(await rotate(r, { ...readmeRequest(), name: "other" }, null));
        assert.ok(answer.tokenId);
        assert.equal(esc.jwksFetches, fetches + 1);
    });

    it("a create refused at the owner's token limit says so, after deleting nothing but the oldest generation", async () => {
        const r = await rotator();
        for (let i = 0; i < 10; i++) ctx.h.emulator.createToken(ctx.h.identityId, { name: `busy-${i}` });
        const refused = await rotate(r, readmeRequest(), null);
        assert.equal(refused.status, 409, refused.text);
        assert.match(refused.text, /as many personal access tokens as the API allows/);
        assert.equal(ids().length, 10);
    });

    describe("refusals: each answered 400, 401 or 403 (502 when the issuer's keys cannot be had), with nothing sent to ISC", () => {
        const cases: [string, number, RegExp, (r: Rotator) => Promise<EscAnswer>][] = [
            [
                "a bad signature",
                401,
                /bad signature/,
                (r) =>
                    rotate(r, readmeRequest(), null, {
                        sign: { key: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey },
                    }),
            ],
            [
                "alg none",
                401,
                /invalid token/,
                (r) => rotate(r, readmeRequest(), null, { sign: { alg: "none" } }),
            ],
            [
                "HS256 with the public key as its secret",
                401,
                /invalid token/,
                (r) => rotate(r, readmeRequest(), null, { sign: { alg: "HS256" } }),
            ],
            [
                "a wrong aud",
                401,
                /claim aud/,
                (r) =>
                    rotate(r, readmeRequest(), null, {
                        sign: { claims: { aud: "https://elsewhere.example/isc-pat" } },
                    }),
            ],
            [
                "a wrong iss",
                401,
                /claim iss/,
                (r) =>
                    rotate(r, readmeRequest(), null, { sign: { claims: { iss: "https://evil.example" } } }),
            ],
            [
                "an expired token",
                401,
                /expired/,
                (r) => {
                    const now = Math.floor(ctx.h.emulator.clock.nowMs() / 1000);
                    return rotate(r, readmeRequest(), null, {
                        sign: { claims: { iat: now - 900, exp: now - 600 } },
                    });
                },
            ],
            [
                "an iat in the future",
                401,
                /iat/,
                (r) => {
                    const now = Math.floor(ctx.h.emulator.clock.nowMs() / 1000);
                    return rotate(r, readmeRequest(), null, {
                        sign: { claims: { iat: now + 600, exp: now + 900 } },
                    });
                },
            ],
            [
                "a body hash of another body",
                401,
                /body_hash/,
                (r) => rotate(r, readmeRequest(), null, { sign: { hashOf: Buffer.from("{}") } }),
            ],
            [
                "a token without body_hash",
                401,
                /body_hash/,
                (r) => rotate(r, readmeRequest(), null, { sign: { claims: { body_hash: undefined } } }),
            ],
            [
                "an environment not allowed",
                403,
                /not allowed/,
                (r) => rotate(r, readmeRequest(), null, { sign: { claims: { current_env: "acme/dev" } } }),
            ],
            [
                "no bearer token",
                401,
                /missing bearer/,
                (r) => rotate(r, readmeRequest(), null, { token: null }),
            ],
            [
                "a body over 64 KiB",
                400,
                /larger than/,
                (r) =>
                    esc.post(
                        PUBLIC_URL,
                        Buffer.from(
                            JSON.stringify({
                                request: readmeRequest(),
                                state: null,
                                pad: "x".repeat(70_000),
                            }),
                        ),
                        { target: r.url },
                    ),
            ],
            [
                "a body that is not JSON",
                400,
                /not JSON/,
                (r) => esc.post(PUBLIC_URL, Buffer.from('{"request": {'), { target: r.url }),
            ],
            [
                "a body that is not {request, state}",
                400,
                /request/,
                (r) => esc.post(PUBLIC_URL, Buffer.from("[1,2]"), { target: r.url }),
            ],
            [
                "a huge scope list",
                400,
                /request\.scope/,
                (r) =>
                    rotate(
                        r,
                        {
                            ...readmeRequest(),
                            scope: Array.from({ length: 1_000 }, (_, i) => `sp:scope:${i}`),
                        },
                        null,
                    ),
            ],
            [
                "a name with control characters",
                400,
                /request\.name/,
                (r) => rotate(r, { ...readmeRequest(), name: "ci\u001b[2J\u0007bot" }, null),
            ],
            [
                "a scope with a bidi override",
                400,
                /request\.scope\[0\]/,
                (r) => rotate(r, { ...readmeRequest(), scope: ["sp:\u202escopes"] }, null),
            ],
            [
                "an unknown request field",
                400,
                /request\.rotation/,
                (r) => rotate(r, { ...readmeRequest(), rotation: {} }, null),
            ],
            [
                "a lifetime too long for beta (check's rule)",
                400,
                /request\.lifetimeDays.*at most 180/,
                (r) => rotate(r, { ...readmeRequest(), apiVersion: "beta", lifetimeDays: 365 }, null),
            ],
            [
                "an empty scope (check's rule)",
                400,
                /request\.scope must list at least one scope/,
                (r) => rotate(r, { ...readmeRequest(), scope: [] }, null),
            ],
            [
                "a state that is not the rotator's answer",
                400,
                /state\.tokenId/,
                (r) => rotate(r, readmeRequest(), { tokenId: "../../oauth", tokenName: "x" }),
            ],
        ];
        for (const [what, status, reason, send] of cases) {
            it(what, async () => {
                const r = await rotator();
                ctx.h.emulator.resetRequests();
                const answer = await send(r);
                assert.equal(answer.body.clientSecret, undefined, "no secret in a refusal");
                assert.equal(answer.status, status, answer.text);
                assert.match(answer.text, reason);
                assert.deepEqual(ctx.h.emulator.requests, [], "nothing was sent to ISC");
                assert.ok(
                    r.log.some((l) => l.includes(` ${status} `)),
                    "the refusal is logged",
                );
            });
        }

        it("a replayed jti", async () => {
            const r = await rotator();
            const body = Buffer.from(JSON.stringify({ request: readmeRequest(), state: null }));
            const token = await esc.sign(PUBLIC_URL, body);
            ok(await esc.post(PUBLIC_URL, body, { target: r.url, token }));
            ctx.h.emulator.resetRequests();
            const replay = await esc.post(PUBLIC_URL, body, { target: r.url, token });
            assert.equal(replay.status, 401);
            assert.match(replay.text, /already used/);
            assert.deepEqual(ctx.h.emulator.requests, []);
        });

        it("an issuer's JWKS the rotator cannot fetch: 502 naming the keys' URL, not an invalid token", async () => {
            // A closed port, then a server answering 500: the rotator's side fails, not the request.
            const broken = createServer((_req, res) => res.writeHead(500).end("down")).listen(0, "127.0.0.1");
            await once(broken, "listening");
            const closed = createServer().listen(0, "127.0.0.1");
            await once(closed, "listening");
            const closedPort = (closed.address() as AddressInfo).port;
            closed.close();
            await once(closed, "close");
            try {
                for (const jwks of [
                    `http://127.0.0.1:${closedPort}/oidc/.well-known/jwks`,
                    `http://127.0.0.1:${(broken.address() as AddressInfo).port}/oidc/.well-known/jwks`,
                ]) {
                    const r = await rotator([ESC_ENV], jwks);
                    ctx.h.emulator.resetRequests();
                    const answer = await rotate(r, readmeRequest(), null);
                    assert.equal(answer.status, 502, answer.text);
                    assert.match(
                        answer.text,
                        /could not fetch the issuer's keys from http:\/\/127\.0\.0\.1:\d+\/oidc/,
                    );
                    assert.match(answer.text, /check --jwks-url/);
                    assert.doesNotMatch(answer.text, /invalid token/);
                    assert.deepEqual(ctx.h.emulator.requests, [], "nothing was sent to ISC");
                }
            } finally {
                broken.close();
            }
        });

        it("a rotator without its SAIL_* variables: 500 naming them, nothing sent to ISC", async () => {
            const r = await rotator([ESC_ENV], esc.jwksUrl, () => ({
                SAIL_BASE_URL: ctx.h.env.SAIL_BASE_URL,
            }));
            ctx.h.emulator.resetRequests();
            const answer = await rotate(r, readmeRequest(), null);
            assert.equal(answer.status, 500, answer.text);
            assert.match(
                answer.text,
                /the rotator's own settings: .*missing: SAIL_CLIENT_ID, SAIL_CLIENT_SECRET/,
            );
            assert.doesNotMatch(answer.text, /pulumi config|sailpoint:/);
            assert.deepEqual(ctx.h.emulator.requests, []);
        });

        it("nothing is allowed without --allow-env", async () => {
            const r = await rotator([]);
            ctx.h.emulator.resetRequests();
            const answer = await rotate(r, readmeRequest(), null);
            assert.equal(answer.status, 403);
            assert.deepEqual(ctx.h.emulator.requests, []);
        });
    });
});

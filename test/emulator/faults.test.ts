import assert from "node:assert/strict";
import type { CreatedTokenRecord, ErrorResponseDto, TokenRecord } from "../../wire/api-types";
import { FaultInjector, type FaultKind, type IscEmulator } from "../../emulator/index";
import { until } from "../support/until";
import { bearer, call, startEmulator } from "./helpers";

const PATH = "/v3/personal-access-tokens";

describe("emulator: fault injection", () => {
    let emu: IscEmulator;
    let token: string;

    beforeEach(async () => {
        emu = await startEmulator();
        token = await bearer(emu);
    });
    afterEach(() => emu.stop());

    it("status faults answer with proper bodies, a given number of times", async () => {
        emu.faults.add({ kind: "429", method: "GET", times: 1, retryAfterSeconds: 3 });
        const limited = await call(emu, "GET", PATH, { token });
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "3");
        assert.deepEqual(limited.body, { message: " Rate Limit Exceeded " });
        assert.equal((await call(emu, "GET", PATH, { token })).status, 200);

        for (const [kind, detail] of [
            ["500", "500.0 Internal Fault"],
            ["502", "502 Bad Gateway"],
            ["503", "503 Service Unavailable"],
        ] as const) {
            emu.faults.add({ kind, path: PATH, times: 1 });
            const res = await call<ErrorResponseDto>(emu, "POST", PATH, {
                token,
                body: { name: `n${kind}` },
            });
            assert.equal(res.status, Number(kind));
            assert.equal(res.body.detailCode, detail);
        }
        // None of the faulted creates happened.
        assert.equal(emu.tokens().length, 0);
        const faulted = emu.requests.filter((r) => r.faulted).map((r) => r.faulted);
        assert.deepEqual(faulted, ["429", "500", "502", "503"]);
    });

    it("reset-before drops the connection and changes nothing", async () => {
        emu.faults.add({ kind: "reset-before", method: "POST", times: 1 });
        await assert.rejects(call(emu, "POST", PATH, { token, body: { name: "lost" } }));
        assert.equal(emu.tokens().length, 0);
        assert.equal(emu.requests.at(-1)?.status, null);
    });

    it("reset-after changes the state though the client only sees a socket error", async () => {
        emu.faults.add({ kind: "reset-after", method: "POST", apiVersion: "v3", times: 1 });
        await assert.rejects(call(emu, "POST", PATH, { token, body: { name: "created anyway" } }));
        assert.deepEqual(
            emu.tokens().map((t) => t.name),
            ["created anyway"],
        );
        const entry = emu.requests.at(-1);
        assert.equal(entry?.status, 200);
        assert.equal(entry?.faulted, "reset-after");
        // The next request works, and a retry of the create is now a duplicate.
        const retry = await call(emu, "POST", PATH, { token, body: { name: "created anyway" } });
        assert.equal(retry.status, 400);
    });

    it("create answers: a processed create answered 200 with a non-JSON, null or {} body", async () => {
        const bodies: Record<string, string> = {
            "create-200-nonjson": "<html><body>Request accepted</body></html>",
            "create-200-null": "null",
            "create-200-empty-object": "{}",
        };
        for (const [kind, expected] of Object.entries(bodies)) {
            emu.faults.add({ kind: kind as FaultKind, times: 1 });
            // Not a create: the rule waits for one.
            assert.equal((await call(emu, "GET", PATH, { token })).status, 200);
            const res = await fetch(`${emu.baseUrl}${PATH}`, {
                method: "POST",
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: JSON.stringify({ name: kind }),
            });
            assert.equal(res.status, 200);
            assert.equal(await res.text(), expected);
            assert.equal(emu.requests.at(-1)?.faulted, kind);
        }
        // Every one of them made its token.
        assert.deepEqual(
            emu.tokens().map((t) => t.name),
            Object.keys(bodies),
        );
        // A refused create keeps its error answer.
        emu.faults.add({ kind: "create-200-null", times: 1 });
        const refused = await call(emu, "POST", PATH, { token, body: { name: "create-200-null" } });
        assert.equal(refused.status, 400);
    });

    it("a clock offset moves created and the Date header of every answer", async () => {
        const behind = await startEmulator({ clockOffsetMs: -300_000 });
        try {
            const t = await bearer(behind);
            const before = Date.now();
            const res = await call<CreatedTokenRecord>(behind, "POST", PATH, {
                token: t,
                body: { name: "s" },
            });
            const date = Date.parse(res.headers.get("date") ?? "");
            assert.ok(Math.abs(date - (before - 300_000)) < 5_000, `Date ${res.headers.get("date")}`);
            assert.ok(Math.abs(Date.parse(res.body.created) - (before - 300_000)) < 5_000);
        } finally {
            await behind.stop();
        }
    });

    it("delay: a request whose client gave up is still processed", async () => {
        // The client gives up once the emulator holds the request (read, fault picked), not after a
        // guessed time: under load a 20 ms timeout fired before the request arrived, or after it was answered.
        emu.faults.add({ kind: "delay", delayMs: 1000, method: "POST", times: 1 });
        const giveUp = new AbortController();
        const slow = call(emu, "POST", PATH, { token, body: { name: "slow" }, signal: giveUp.signal });
        await until(() => emu.requests.some((r) => r.faulted === "delay"), "the delayed create to arrive", {
            unless: slow.then(() => "the create was answered before the client gave up"),
        });
        giveUp.abort();
        await assert.rejects(slow);
        assert.equal(emu.tokens().length, 0, "the delayed create is still being held");
        await emu.idle();
        assert.deepEqual(
            emu.tokens().map((t) => t.name),
            ["slow"],
        );
        // Delayed but answered when the client waits.
        emu.faults.add({ kind: "delay", delayMs: 20, method: "GET", times: 1 });
        const res = await call<TokenRecord[]>(emu, "GET", PATH, { token });
        assert.equal(res.status, 200);
        assert.equal(res.body.length, 1);
    });

    it("probabilistic faults are reproducible with a seed", () => {
        const run = (seed: number): string[] => {
            const faults = new FaultInjector(seed);
            faults.add({ kind: ["429", "503", "reset-after"], probability: 0.3 });
            const out: string[] = [];
            for (let i = 0; i < 50; i++) {
                out.push(
                    faults.pick({ method: "GET", path: PATH, apiVersion: "v3", endpoint: "api" })?.kind ??
                        "-",
                );
            }
            return out;
        };
        assert.deepEqual(run(42), run(42));
        assert.notDeepEqual(run(42), run(43));
        const hits = run(42).filter((k) => k !== "-").length;
        assert.ok(hits > 5 && hits < 30, `${hits} faults`);
        // The token endpoint is left alone unless asked for.
        const faults = new FaultInjector(1);
        faults.add({ kind: "500" });
        assert.equal(
            faults.pick({ method: "POST", path: "/oauth/token", apiVersion: null, endpoint: "token" }),
            null,
        );
        faults.add({ kind: "503", endpoint: "token" });
        assert.equal(
            faults.pick({ method: "POST", path: "/oauth/token", apiVersion: null, endpoint: "token" })?.kind,
            "503",
        );
    });

    it("skip lets that many matching requests through before the rule fires", () => {
        const faults = new FaultInjector(1);
        faults.add({ kind: "500", method: "GET", skip: 1, times: 2 });
        const get = () => faults.pick({ method: "GET", path: PATH, apiVersion: "v3", endpoint: "api" })?.kind;
        const post = () =>
            faults.pick({ method: "POST", path: PATH, apiVersion: "v3", endpoint: "api" })?.kind;
        assert.deepEqual(
            [post(), get(), post(), get(), get(), get()],
            [undefined, undefined, undefined, "500", "500", undefined],
        );
        assert.throws(() => faults.add({ kind: "500", skip: -1 }), /fault skip must be a whole number/);
    });

    it("faults can target the token endpoint, and rules can be removed", async () => {
        const id = emu.faults.add({ kind: "503", endpoint: "token" });
        const res = await fetch(`${emu.baseUrl}/oauth/token`, { method: "POST" });
        assert.equal(res.status, 503);
        assert.equal(emu.faults.list().length, 1);
        assert.ok(emu.faults.remove(id));
        await bearer(emu);
    });

    it("latency applies to every response and the log counts operations", async () => {
        emu.setLatency(5);
        const created = await call<CreatedTokenRecord>(emu, "POST", PATH, { token, body: { name: "l" } });
        await call(emu, "GET", `${PATH}?owner-id=me`, { token });
        await call(emu, "PATCH", `${PATH}/${created.body.id}`, { token, body: [] });
        await call(emu, "DELETE", `${PATH}/${created.body.id}`, { token });
        const counts = emu.counts();
        assert.deepEqual(counts, { total: 5, token: 1, list: 1, create: 1, patch: 1, delete: 1, other: 0 });
        const list = emu.requests.find((r) => r.operation === "list");
        assert.deepEqual(list?.query, { "owner-id": "me" });
        assert.equal(list?.clientId, emu.defaultClient.clientId);
        assert.equal(list?.apiVersion, "v3");
        emu.resetRequests();
        assert.equal(emu.counts().total, 0);
    });
});

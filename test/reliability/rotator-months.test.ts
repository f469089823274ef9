// Simulated months of ESC rotation: every day ESC rotates the token through a new `isc-pat rotator`
// process whose wall clock is the emulator's (the clock-shift preload), posting the answer it stored
// the day before as the state. Every generation's own credentials are tried at the token endpoint
// before each rotation, after it and half a day later: always a working generation, never more than two
// in existence, and each stops working within a day of leaving `previous`.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../../scripts/pulumi-project";
import { firstLines } from "../support/bin";
import { CLOCK_SHIFT_VARIABLE, shiftedEnv } from "../support/clock-shift";
import { ESC_ENV, FakeEsc } from "../support/esc";
import { useHarness } from "../support/harness";
import { mints } from "../support/mint";
import { atScale } from "../support/scale";
import { DAY } from "../support/time";
import { exitOf } from "../support/until";

// A month, ten times the tokens' 3-day lifetime; in the clock-ahead reruns (test/support/scale.ts) a
// week: each generation still seen while current, while previous, and a day after leaving.
const DAYS = atScale(31, 7);
const PUBLIC_URL = "https://rotator.acme.example/isc-pat";
const REQUEST = { name: "nightly", scope: ["sp:scopes:default"], lifetimeDays: 3, apiVersion: "v2025" };

interface Generation {
    tokenId: string;
    secret: string;
    /** When a rotation's answer no longer named it as current or previous. */
    leftAt?: number;
    probes: { at: number; works: boolean }[];
}

describe(`${DAYS} simulated days of ESC rotation, a new rotator process every day`, function () {
    this.timeout(900_000);
    const ctx = useHarness();
    let esc: FakeEsc;
    before(async () => (esc = await FakeEsc.start(() => ctx.h.emulator.clock.nowMs())));
    after(() => esc.stop());

    /** A rotator process whose wall clock reads the emulator's (whatever this process's own shift). */
    async function rotatorProcess(): Promise<{ child: ChildProcess; url: string; exited: Promise<string> }> {
        const ownShift = Number(process.env[CLOCK_SHIFT_VARIABLE] ?? 0);
        const shift = ctx.h.emulator.clock.nowMs() - (Date.now() - ownShift);
        const args = [
            join(REPO, "dist", "provider", "bin.js"),
            "rotator",
            "--plain-http-behind-proxy",
            "--port",
            "0",
            "--public-url",
            PUBLIC_URL,
            "--allow-env",
            ESC_ENV,
            "--jwks-url",
            esc.jwksUrl,
            "--issuer",
            "https://api.pulumi.com",
        ];
        const child = spawn(process.execPath, args, {
            env: shiftedEnv(shift, { ...process.env, ...ctx.h.env }),
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = exitOf(child, "isc-pat rotator");
        const [url] = await firstLines(child.stdout!, 1);
        assert.match(url ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, "the rotator prints its URL first");
        return { child, url, exited };
    }

    it("always a working generation, never more than two, each stopping within a day of leaving previous", async () => {
        const emulator = ctx.h.emulator;
        const generations = new Map<string, Generation>();
        let state = null as Record<string, unknown> | null;

        async function probe(when: string): Promise<void> {
            const at = emulator.clock.nowMs();
            const present = new Set(emulator.tokens().map((t) => t.id));
            assert.ok(present.size <= 2, `${when}: ${present.size} generations exist`);
            let working = 0;
            for (const g of generations.values()) {
                const works = present.has(g.tokenId) && (await mints(emulator.baseUrl, g.tokenId, g.secret));
                if (works) working++;
                g.probes.push({ at, works });
            }
            assert.ok(working >= 1, `${when}: a generation works`);
            assert.ok(working <= 2, `${when}: ${working} generations work`);
        }

        for (let day = 0; day < DAYS; day++) {
            if (day > 0) await probe(`day ${day}, before the rotation`);
            const rotator = await rotatorProcess();
            try {
                const answer = await esc.rotate(PUBLIC_URL, REQUEST, state, { target: rotator.url });
                assert.equal(answer.status, 200, `day ${day}: ${String(answer.body.error)}`);
                const current = answer.body;
                const previous = current.previous as { tokenId: string } | null;
                assert.equal(previous?.tokenId ?? null, (state?.tokenId as string | undefined) ?? null);
                const at = emulator.clock.nowMs();
                for (const g of generations.values())
                    if (g.leftAt === undefined && g.tokenId !== previous?.tokenId) g.leftAt = at;
                generations.set(current.tokenId as string, {
                    tokenId: current.tokenId as string,
                    secret: current.clientSecret as string,
                    probes: [],
                });
                state = current;
            } finally {
                rotator.child.kill("SIGTERM");
                await rotator.exited;
            }
            await probe(`day ${day}, after the rotation`);
            assert.ok(await mints(emulator.baseUrl, state.tokenId as string, state.clientSecret as string));
            emulator.clock.advance(DAY / 2);
            await probe(`day ${day}, half a day after`);
            emulator.clock.advance(DAY / 2);
        }

        const left = [...generations.values()].filter((g) => g.leftAt !== undefined);
        assert.equal(left.length, DAYS - 2, "every generation but the current and previous left");
        // Those whose day after leaving the simulation saw.
        const lastProbe = emulator.clock.nowMs() - DAY / 2;
        for (const g of left.filter((x) => x.leftAt! + DAY <= lastProbe)) {
            const before = g.probes.filter((p) => p.at < g.leftAt!);
            const after = g.probes.filter((p) => p.at >= g.leftAt! + DAY);
            assert.ok(before.length > 0 && after.length > 0, `${g.tokenId}: probed on both sides`);
            assert.ok(
                before.every((p) => p.works),
                `${g.tokenId} works while current or previous`,
            );
            assert.ok(
                after.every((p) => !p.works),
                `${g.tokenId} stops within a day of leaving previous`,
            );
        }
        const served = emulator.counts((e) => e.status !== 401);
        assert.equal(served.create, DAYS, "one create a day");
        assert.equal(served.delete, DAYS - 2, "one delete a day from the third");
        console.log(
            `      ${DAYS} simulated days: ${served.create} creates, ${served.delete} deletes, ${served.list} lists, ${served.token} token-endpoint requests`,
        );
    });
});

// `isc-pat rotator` from the packed and installed package, as the README runs it: HTTPS with a
// certificate this test makes (openssl, on 127.0.0.1, valid two days from now), ESC played on loopback
// (test/support/esc.ts), the emulator as the tenant: three rotations with the README's request, and
// refusals with nothing sent to ISC. Its --help lists every option and its default, and the package's
// ./rotator export is the handler.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { firstLines, runIscPat } from "../support/bin";
import { ESC_ENV, FakeEsc, readmeRequest } from "../support/esc";
import { useHarness } from "../support/harness";
import { observe } from "../support/hygiene";
import { mints } from "../support/mint";
import { Project } from "../support/pulumi";
import { blocks } from "../support/readme";
import { exitOf } from "../support/until";

/** The README's command line, with this test's port, certificate and ESC (JWKS, on loopback). */
function readmeCommand(port: number, cert: string, key: string, jwksUrl: string): string[] {
    const line = blocks("shell")
        .flatMap((b) => b.split("\n"))
        .find((l) => l.startsWith("isc-pat rotator "));
    assert.ok(line, "the README shows how to run the rotator");
    const args = line.split(" ").slice(2);
    const swap: Record<string, string> = { "8443": String(port), "cert.pem": cert, "key.pem": key };
    return [...args.map((a) => swap[a] ?? a), "--host", "127.0.0.1", "--jwks-url", jwksUrl];
}

describe("end to end: isc-pat rotator from the installed package, over HTTPS", function () {
    this.timeout(600_000);
    const ctx = useHarness();

    it("rotates three times with the README's request and command, and refuses with nothing sent to ISC", async () => {
        const project = new Project("emulator-test");
        const dir = mkdtempSync(join(tmpdir(), "pat-rotator-tls-"));
        const esc = await FakeEsc.start(() => ctx.h.emulator.clock.nowMs());
        const cert = join(dir, "cert.pem");
        const key = join(dir, "key.pem");
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key,
                "-out",
                cert,
                "-days",
                "2",
            ].concat(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]),
            { stdio: "ignore" },
        );
        const ca = readFileSync(cert, "utf8");
        const bin = join(project.dir, "node_modules", ".bin", "isc-pat");
        const args = ["rotator", ...readmeCommand(0, cert, key, esc.jwksUrl)];
        const child = spawn(bin, args, {
            cwd: project.dir,
            env: { ...project.env, ...ctx.h.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = exitOf(child, "isc-pat rotator");
        try {
            const [listening] = await firstLines(child.stdout!, 1);
            assert.match(listening ?? "", /^https:\/\/127\.0\.0\.1:\d+$/);
            const publicUrl = args[args.indexOf("--public-url") + 1];
            const target = `${listening}/isc-pat`;
            const rotate = (state: unknown, sign = {}) =>
                esc.rotate(publicUrl, readmeRequest(), state, { target, ca, sign });
            const works = (a: Record<string, unknown>) =>
                mints(ctx.h.emulator.baseUrl, a.tokenId as string, a.clientSecret as string);

            let state: Record<string, unknown> | null = null;
            const answers: Record<string, unknown>[] = [];
            for (let i = 0; i < 3; i++) {
                const answer = await rotate(state);
                assert.equal(answer.status, 200, String(answer.body.error));
                answers.push(answer.body);
                state = answer.body;
            }
            const ids = ctx.h.emulator
                .tokens()
                .map((t) => t.id)
                .sort();
            assert.deepEqual(ids, [answers[1].tokenId, answers[2].tokenId].sort(), "the oldest deleted");
            assert.ok((await works(answers[1])) && (await works(answers[2])));

            // The audit counts both generations as the rotator's.
            const audit = await runIscPat(project, ["audit", "--json", "--api-version", "v2025"], ctx.h.env);
            assert.equal(audit.status, 0, audit.stderr);
            const entries = JSON.parse(audit.stdout) as { id: string; managed: boolean; rotator?: string }[];
            assert.deepEqual(
                entries.map((e) => [e.id, e.managed, e.rotator]).sort(),
                ids.map((id) => [id, true, readmeRequest().name]).sort(),
            );

            ctx.h.emulator.resetRequests();
            const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
            for (const [sign, status] of [
                [{ key: other }, 401],
                [{ alg: "none" }, 401],
                [{ claims: { current_env: "acme/dev" } }, 403],
                [{ claims: { aud: target } }, 401],
            ] as const) {
                const refused = await rotate(state, sign);
                assert.equal(refused.status, status, refused.text);
            }
            assert.deepEqual(ctx.h.emulator.requests, [], "nothing was sent to ISC");
            assert.ok(args.includes(ESC_ENV), "the README allows the environment ESC signs for");
        } finally {
            child.kill("SIGTERM");
            await exited;
            await esc.stop();
            rmSync(dir, { recursive: true, force: true });
        }

        // --help lists every option and its default; the ./rotator export is the handler.
        const help = spawnSync(bin, ["rotator", "--help"], {
            cwd: project.dir,
            env: project.env,
            encoding: "utf8",
        });
        observe("isc-pat rotator --help", help.stdout + help.stderr);
        assert.equal(help.status, 0, help.stderr);
        for (const option of [
            "--public-url",
            "--allow-env",
            "--tls-cert",
            "--tls-key",
            "--plain-http-behind-proxy",
            "--port",
            "--host",
            "--jwks-url",
            "--issuer",
        ])
            assert.ok(help.stdout.includes(`  ${option}`), option);
        for (const value of [
            "default: 8443",
            "https://api.pulumi.com/oidc/.well-known/jwks",
            "default: https://api.pulumi.com)",
            "default: none",
        ])
            assert.ok(help.stdout.includes(value), value);
        const plain = spawnSync(
            bin,
            [
                "rotator",
                "--plain-http-behind-proxy",
                "--host",
                "0.0.0.0",
                "--public-url",
                "https://x.example",
            ],
            { cwd: project.dir, env: project.env, encoding: "utf8" },
        );
        observe("isc-pat rotator --plain-http-behind-proxy", plain.stdout + plain.stderr);
        assert.equal(plain.status, 2);
        assert.match(plain.stderr, /loopback host only/);
        const bare = spawnSync(bin, args, { cwd: project.dir, env: project.env, encoding: "utf8" });
        observe("isc-pat rotator without SAIL_*", bare.stdout + bare.stderr);
        assert.equal(bare.status, 2);
        assert.match(bare.stderr, /set SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET/);
        const exported = spawnSync(
            process.execPath,
            [
                "-e",
                'process.stdout.write(typeof require("@isc-pat/pulumi-sailpoint-pat/rotator").rotatorHandler)',
            ],
            { cwd: project.dir, env: project.env, encoding: "utf8" },
        );
        assert.equal(exported.stdout, "function", exported.stderr);
        project.cleanup();
    });
});

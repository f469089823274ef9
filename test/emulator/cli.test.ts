import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstLines } from "../support/bin";

const CLI = join(__dirname, "..", "..", "emulator", "cli.js");

describe("emulator: CLI", () => {
    it("starts on 127.0.0.1, serves, and stops on SIGTERM without printing the secret", async () => {
        const child = spawn(
            process.execPath,
            [CLI, "--port", "0", "--client-id", "cli-client", "--client-secret", "cli-secret", "--seed", "7"],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        try {
            const [url, line] = await firstLines(child.stdout, 2);
            assert.doesNotMatch(line, /cli-secret/);
            // The base URL alone on the first line, for a script to read.
            const m = /^(http:\/\/127\.0\.0\.1:\d+)$/.exec(url);
            assert.ok(m, url);
            assert.equal(line, `ISC emulator listening on ${url} (client id cli-client, seed 7)`);
            const res = await fetch(`${m[1]}/oauth/token`, {
                method: "POST",
                body: new URLSearchParams({
                    grant_type: "client_credentials",
                    client_id: "cli-client",
                    client_secret: "cli-secret",
                }),
            });
            assert.equal(res.status, 200);
            const { access_token } = (await res.json()) as { access_token: string };
            const list = await fetch(`${m[1]}/v3/personal-access-tokens`, {
                headers: { Authorization: `Bearer ${access_token}` },
            });
            assert.equal(list.status, 200);
        } finally {
            child.kill("SIGTERM");
        }
        const [code] = (await once(child, "exit")) as [number | null];
        assert.equal(code, 0);
    });

    it("prints usage and exits 2 when required flags are missing", async () => {
        const child = spawn(process.execPath, [CLI, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const [code] = (await once(child, "exit")) as [number | null];
        assert.equal(code, 2);
        assert.match(stderr, /Usage:/);
    });

    for (const source of ["file", "environment"] as const) {
        it(`takes the client secret from ${source === "file" ? "a file" : "the environment"}, out of the process list`, async () => {
            const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));
            const secret = `from-${source}-5e3c1d0a9b`;
            const file = join(dir, "secret");
            writeFileSync(file, `${secret}\n`, { mode: 0o600 });
            const args = [CLI, "--port", "0", ...(source === "file" ? ["--client-secret-file", file] : [])];
            const child = spawn(process.execPath, args, {
                stdio: ["ignore", "pipe", "pipe"],
                env: {
                    ...process.env,
                    SAIL_CLIENT_ID: "env-client",
                    SAIL_CLIENT_SECRET: source === "environment" ? secret : "",
                },
            });
            try {
                const [url, line] = await firstLines(child.stdout, 2);
                const m = /^(http:\/\/127\.0\.0\.1:\d+)$/.exec(url);
                assert.ok(m, url);
                assert.match(line, /\(client id env-client/);
                assert.ok(!line.includes(secret));
                // What ps shows: the command line.
                const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "utf8");
                assert.ok(!cmdline.includes(secret), "the secret is not in the process list");
                const res = await fetch(`${m[1]}/oauth/token`, {
                    method: "POST",
                    body: new URLSearchParams({
                        grant_type: "client_credentials",
                        client_id: "env-client",
                        client_secret: secret,
                    }),
                });
                assert.equal(res.status, 200, "the secret read without its trailing newline works");
            } finally {
                child.kill("SIGTERM");
                rmSync(dir, { recursive: true, force: true });
            }
            await once(child, "exit");
        });
    }

    it("refuses both --client-secret-file and --client-secret, and an unreadable file", async () => {
        for (const extra of [
            ["--client-secret-file", "/nonexistent/secret", "--client-secret", "x"],
            ["--client-secret-file", "/nonexistent/secret"],
        ]) {
            const child = spawn(process.execPath, [CLI, "--port", "0", "--client-id", "c", ...extra], {
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stderr = "";
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            const [code] = (await once(child, "exit")) as [number | null];
            assert.equal(code, 2);
            assert.match(stderr, /--client-secret-file/);
        }
    });
});

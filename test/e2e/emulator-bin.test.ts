// `isc-pat emulator` from the packed and installed package, as a user's CI starts it: `npx isc-pat
// emulator --port N` in a project serves the OAuth endpoint and the PAT API on that port, prints its base
// URL first, and stops with the command.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { firstLines } from "../support/bin";
import { hygiene, observe } from "../support/hygiene";
import { Project, recordInvocation } from "../support/pulumi";

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, "close");
    return port;
}

async function token(url: string, clientId: string, clientSecret: string): Promise<Response> {
    const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
    });
    return fetch(`${url}/oauth/token`, { method: "POST", body });
}

describe("end to end: npx isc-pat emulator from the installed package", function () {
    this.timeout(600_000);

    it("serves /oauth/token and the token list on the port asked for, and stops with the command", async () => {
        const project = new Project("emulator-test");
        const secret = randomBytes(24).toString("hex");
        hygiene.secret(secret);
        const file = join(project.home, "client-secret");
        writeFileSync(file, `${secret}\n`, { mode: 0o600 });
        const port = await freePort();
        const args = [
            "isc-pat",
            "emulator",
            "--port",
            String(port),
            "--client-id",
            "bin-client",
            "--client-secret-file",
            file,
        ];
        recordInvocation(args, "npx");
        const child = spawn(
            "npx",
            args,
            // In its own process group, so that the clean-up can reach whatever npx started.
            { cwd: project.dir, env: project.env, stdio: ["ignore", "pipe", "pipe"], detached: true },
        );
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const url = `http://127.0.0.1:${port}`;
        try {
            const [first] = await firstLines(child.stdout, 1);
            assert.equal(first, url, `the first line is the base URL (stderr: ${stderr})`);
            assert.equal((await token(url, "bin-client", "wrong")).status, 401);
            const res = await token(url, "bin-client", secret);
            assert.equal(res.status, 200);
            const { access_token } = (await res.json()) as { access_token: string };
            for (const version of ["v3", "v2025"]) {
                const list = await fetch(`${url}/${version}/personal-access-tokens`, {
                    headers: { Authorization: `Bearer ${access_token}` },
                });
                assert.equal(list.status, 200);
                assert.deepEqual(await list.json(), []);
            }
        } finally {
            // npx alone, as a CI job's end or a test's clean-up kills it: the emulator must go too, and
            // with it the last holder of the output pipe.
            child.kill("SIGTERM");
            const closed = once(child, "close").then(() => true);
            const stopped = await Promise.race([closed, delay(10_000).then(() => false)]);
            if (!stopped) process.kill(-child.pid!, "SIGKILL");
            assert.ok(stopped, "the emulator stops when npx is killed");
            observe("npx isc-pat emulator", stderr);
            project.cleanup();
            rmSync(file, { force: true });
        }
        // npx passed the signal on: nothing listens on the port any more.
        await assert.rejects(fetch(`${url}/oauth/token`, { method: "POST" }));
    });

    it("npx isc-pat emulator --help prints its flags; isc-pat --help names it", () => {
        const project = new Project("emulator-test");
        try {
            const run = (args: string[]) => {
                recordInvocation(args, "npx");
                const ran = spawnSync("npx", args, { cwd: project.dir, env: project.env, encoding: "utf8" });
                observe(`npx ${args.join(" ")}`, ran.stdout + ran.stderr);
                return ran;
            };
            const help = run(["isc-pat", "emulator", "--help"]);
            assert.equal(help.status, 0, help.stderr);
            assert.match(help.stdout, /^Usage: isc-pat emulator --port <port> /);
            for (const flag of [
                "--client-id",
                "--client-secret-file",
                "--fault-rate",
                "--max-tokens-per-owner",
            ])
                assert.ok(help.stdout.includes(flag), flag);
            const top = run(["isc-pat", "--help"]);
            assert.equal(top.status, 0, top.stderr);
            assert.match(top.stdout, /isc-pat emulator --help/);
        } finally {
            project.cleanup();
        }
    });
});

// A test of this program with no tenant: `isc-pat emulator` (shipped with the package) serves the PAT
// API on 127.0.0.1, and the SAIL_* environment points the program at it. Run it with a stack selected
// on a local backend: `pulumi login --local`, `pulumi stack init test`, then `npm test`.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

// One client for the emulator and the program; a fresh secret each run, never printed.
const env = {
    ...process.env,
    SAIL_CLIENT_ID: "ci-test",
    SAIL_CLIENT_SECRET: randomBytes(24).toString("hex"),
};
let emulator;

before(async () => {
    // --port 0: any free port. The first line it prints is its base URL.
    emulator = spawn("npx", ["isc-pat", "emulator", "--port", "0"], {
        env,
        stdio: ["ignore", "pipe", "inherit"],
    });
    const [url] = await once(createInterface({ input: emulator.stdout }), "line");
    env.SAIL_BASE_URL = url;
});

after(() => emulator.kill());

// Asynchronous: a synchronous run would stall this process's event loop, and its idle connections to
// the emulator with it.
const run = promisify(execFile);
const pulumi = async (...args) => (await run("pulumi", [...args, "--non-interactive"], { env })).stdout;

/** A bearer token for a client id and secret, from the emulator's OAuth endpoint (undefined if refused). */
async function bearer(clientId, clientSecret) {
    const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
    });
    const res = await fetch(`${env.SAIL_BASE_URL}/oauth/token`, { method: "POST", body });
    return res.ok ? (await res.json()).access_token : undefined;
}

/** The tokens the emulator holds for the client. */
async function tokens() {
    const token = await bearer(env.SAIL_CLIENT_ID, env.SAIL_CLIENT_SECRET);
    const res = await fetch(`${env.SAIL_BASE_URL}/v2025/personal-access-tokens`, {
        headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    return res.json();
}

test("up makes one token whose exported secret works as an OAuth client", async () => {
    const output = await pulumi("up", "--yes");
    const { clientId, clientSecret } = JSON.parse(
        await pulumi("stack", "output", "--json", "--show-secrets"),
    );
    assert.ok(!output.includes(clientSecret), "the secret is masked in the CLI's output");
    assert.ok(await bearer(clientId, clientSecret), "the exported secret is the token's");
    const list = await tokens();
    assert.equal(list.length, 1);
    assert.equal(list[0].id, clientId);
    assert.match(
        list[0].name,
        /^ci-deploy-\d{8}T\d{6}Z-[0-9a-f]{8}$/,
        "the rotating token's name carries its creation time and a random part",
    );
});

test("the next preview shows no changes", async () => {
    await pulumi("preview", "--expect-no-changes");
});

test("destroy leaves no token", async () => {
    await pulumi("destroy", "--yes");
    assert.deepEqual(await tokens(), []);
});

// A Go program on the generated Go SDK, run under the real CLI by the Go Automation API as an inline
// program (test/go-automation/main.go): the API serves the language protocol itself, so the CLI built
// here, which has no Go language host, runs it. The plugin is installed by name from its tarball into
// the test's own PULUMI_HOME. Two provider instances, one token each, at two emulators: up with the
// secret outputs secret, a no-change preview with no write, a rename as one PATCH, destroy emptying both.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { pulumiCli, REPO } from "../../scripts/pulumi-project";
import { packageVersion } from "../../scripts/bundle-plugin";
import { writeTarballs } from "../../scripts/plugin-tarballs";
import { startHarness, type Harness } from "../support/harness";
import { hygiene } from "../support/hygiene";

function writes(h: Harness): { create: number; patch: number; delete: number } {
    const { create, patch, delete: deleted } = h.emulator.counts();
    return { create, patch, delete: deleted };
}

describe("end to end: a Go program on the generated Go SDK, through the Go Automation API", function () {
    this.timeout(900_000);
    let a: Harness;
    let b: Harness;
    let work = "";

    before(async () => {
        a = await startHarness();
        b = await startHarness();
        work = mkdtempSync(join(tmpdir(), "pat-go-automation-"));
    });
    after(async () => {
        await a?.emulator.stop();
        await b?.emulator.stop();
        if (work) rmSync(work, { recursive: true, force: true });
    });

    it("two provider instances: up, secret outputs, a no-change preview, a rename as one PATCH, destroy", async () => {
        const cli = pulumiCli();
        const env: Record<string, string> = {};
        for (const key of [
            "PATH",
            "HOME",
            "LANG",
            "TMPDIR",
            "GOPATH",
            "GOCACHE",
            "GOMODCACHE",
            "GOPROXY",
            "GOFLAGS",
        ])
            if (process.env[key]) env[key] = process.env[key] as string;
        Object.assign(env, {
            PULUMI_HOME: join(work, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${join(work, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "go-automation",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            ISCPAT_PULUMI_ROOT: dirname(dirname(cli)),
            ISCPAT_WORK_DIR: join(work, "project"),
            A_URL: a.emulator.baseUrl,
            A_CLIENT_ID: a.clientId,
            A_CLIENT_SECRET: a.clientSecret,
            B_URL: b.emulator.baseUrl,
            B_CLIENT_ID: b.clientId,
            B_CLIENT_SECRET: b.clientSecret,
        });
        for (const dir of ["backend", "project"]) mkdirSync(join(work, dir));
        const [tarball] = writeTarballs(join(work, "plugins"));
        execFileSync(cli, ["plugin", "install", "resource", "iscpat", packageVersion(), "--file", tarball], {
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });

        // -mod=readonly: the modules test/go-automation/go.sum pins (the CLI's versions, as sdk/ does).
        const child = spawn("go", ["run", "-mod=readonly", "-trimpath", "."], {
            cwd: join(REPO, "test", "go-automation"),
            env,
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
        const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
        const step = async (name: string): Promise<Record<string, unknown>> => {
            const next = await lines.next();
            assert.ok(!next.done, `the program stopped before ${name}: ${stderr}`);
            hygiene.record(`go program, ${name}`, next.value);
            const facts = JSON.parse(next.value) as Record<string, unknown>;
            assert.equal(facts.step, name, next.value);
            return facts;
        };
        const goOn = () => {
            a.emulator.resetRequests();
            b.emulator.resetRequests();
            child.stdin.write("\n");
        };
        try {
            const up = await step("up");
            const [tokenA] = a.emulator.tokens("v1");
            const [tokenB] = b.emulator.tokens("v1");
            assert.deepEqual(
                [a.emulator.tokens().map((t) => t.name), b.emulator.tokens().map((t) => t.name)],
                [["go-a"], ["go-b"]],
                "each token at its own provider's tenant",
            );
            assert.deepEqual([up.aId, up.bId], [tokenA.id, tokenB.id]);
            assert.deepEqual(
                [up.aSecretIsSet, up.bSecretIsSet],
                [true, true],
                "the secret outputs are secrets",
            );
            goOn();

            const preview = await step("preview");
            assert.deepEqual(Object.keys(preview.changes as object), ["same"], JSON.stringify(preview));
            assert.deepEqual(
                [writes(a), writes(b)],
                [
                    { create: 0, patch: 0, delete: 0 },
                    { create: 0, patch: 0, delete: 0 },
                ],
            );
            goOn();

            const renamed = await step("rename");
            assert.equal(renamed.aId, tokenA.id, "same id");
            assert.deepEqual(writes(a), { create: 0, patch: 1, delete: 0 }, "one PATCH");
            assert.deepEqual(writes(b), { create: 0, patch: 0, delete: 0 });
            assert.deepEqual(
                a.emulator.tokens().map((t) => [t.id, t.name]),
                [[tokenA.id, "go-a-renamed"]],
            );
            goOn();

            await step("destroy");
            assert.equal(
                a.emulator.tokens().length + b.emulator.tokens().length,
                0,
                "destroy empties both tenants",
            );
            child.stdin.end("\n");
            assert.equal(await exited, 0, stderr);
        } finally {
            child.kill();
            hygiene.record("go program stderr", stderr);
        }
    });
});

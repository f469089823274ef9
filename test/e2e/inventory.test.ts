// `isc-pat audit` as a user runs it: the package's bin, settings from the environment, state from a
// stack through the Pulumi CLI or from a file, a tenant of several owners with managed, unmanaged,
// stale and expired tokens (the emulator's default cap of 10 per owner on); then the emitted program
// adopts the unmanaged tokens with no change.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RIGHTS } from "../../emulator";
import { runIscPat, type BinResult } from "../support/bin";
import { hygiene } from "../support/hygiene";
import { inDays, useHarness } from "../support/harness";
import { Project } from "../support/pulumi";
import { configKey } from "../../provider/isc-client/settings";
import { DAY } from "../support/time";

interface Entry {
    id: string;
    name: string;
    owner: { id: string; name: string };
    managed: boolean;
    stack?: string;
    urn?: string;
    findings: string[];
}

/** `isc-pat audit …` in the project. */
function audit(project: Project, args: string[], env: Record<string, string> = {}): Promise<BinResult> {
    return runIscPat(project, ["audit", ...args], env);
}

describe("end to end: isc-pat audit (inventory) and the emitted adopting program", function () {
    this.timeout(600_000);
    const ctx = useHarness({ perTest: true });

    it("classifies a tenant of several owners, gates, and emits a program that adopts with no change", async () => {
        const { emulator } = ctx.h;
        const me = ctx.h.identityId;
        const bob = emulator.addIdentity({ name: "Bob" });
        const carol = emulator.addIdentity({ name: "Carol" });
        const project = new Project("e2e-program", ctx.h.env);
        const adoptedFile = join(project.dir, "adopted.ts");
        try {
            await project.init({ count: "2" });
            await project.setConfig("token", {
                name: "managed",
                expirationDate: inDays(200),
                apiVersion: "v2025",
            });
            // The set-up's up skips its preview (the adopting up below keeps its own).
            await project.run(["up", "--yes", "--skip-preview"]);
            const managedIds = emulator.tokens().map((t) => t.id);

            const stale = emulator.createToken(me, {
                name: "stale",
                scope: ["sp:scopes:default"],
                expirationDate: inDays(100),
            });
            emulator.patchToken(stale.id, {
                lastUsed: new Date(Date.now() - 200 * DAY).toISOString(),
            });
            const never = emulator.createToken(me, { name: "never-expires", expirationDate: null });
            // Made 40 days ago and never used: never-used (the pack's 30 days); the stack's, made now, are not.
            emulator.patchToken(never.id, { created: inDays(-40) });
            const expired = emulator.createToken(me, { name: "expired", expirationDate: inDays(-3) });
            const bobs = emulator.createToken(bob.id, { name: "bob-feed", expirationDate: inDays(10) });
            emulator.createToken(carol.id, { name: "carol-sync", expirationDate: inDays(100) });
            for (const t of [stale, never, expired, bobs]) hygiene.secret(t.secret);

            // The caller's own tokens, joined with the stack through the Pulumi CLI.
            const mine = await audit(project, ["--stack", project.stack, "--api-version", "v2025", "--json"]);
            assert.equal(mine.status, 0, mine.stderr);
            const entries = JSON.parse(mine.stdout) as Entry[];
            const by = Object.fromEntries(entries.map((e) => [e.name, e]));
            assert.equal(entries.length, 5);
            for (const id of managedIds) {
                const e = entries.find((x) => x.id === id) as Entry;
                assert.equal(e.managed, true);
                assert.equal(e.stack, project.stack);
                assert.match(e.urn as string, /PersonalAccessToken::token-\d$/);
                assert.ok(!e.findings.includes("never-used"), "a token made today is not never-used");
            }
            assert.deepEqual(by.stale.findings, ["unmanaged", "unused"]);
            assert.deepEqual(by["never-expires"].findings, [
                "unmanaged",
                "never-expires",
                "all-scopes",
                "never-used",
            ]);
            assert.ok(by.expired.findings.includes("expired"));
            assert.match(
                mine.stderr,
                new RegExp(`token ${expired.id} \\("expired"\\) expired on .*delete it`),
            );

            // The same settings from the stack config (read through the Pulumi CLI), none in the environment.
            await project.run(["config", "set", configKey("dynamic", "baseUrl"), ctx.h.env.SAIL_BASE_URL]);
            await project.run(["config", "set", configKey("dynamic", "clientId"), ctx.h.clientId]);
            await project.run(["config", "set", "--secret", configKey("dynamic", "clientSecret")], {
                input: ctx.h.clientSecret,
            });
            await project.run(["config", "set", configKey("dynamic", "apiVersion"), "v2025"]);
            const fromConfig = await audit(project, ["--stack", project.stack, "--json"], {
                SAIL_BASE_URL: "",
                SAIL_CLIENT_ID: "",
                SAIL_CLIENT_SECRET: "",
            });
            assert.equal(fromConfig.status, 0, fromConfig.stderr);
            assert.deepEqual(JSON.parse(fromConfig.stdout), entries);

            // The whole tenant, with the state from a file; the gate's exit codes.
            const exported = await project.exportState();
            const stateFile = join(project.home, "state.json");
            writeFileSync(stateFile, exported.text);
            const all = await audit(project, [
                "--state",
                stateFile,
                "--all-owners",
                "--json",
                "--fail-on",
                "expired",
            ]);
            assert.equal(all.status, 1, "an expired token fails the gate");
            assert.match(all.stderr, /threshold exceeded: 1 token\(s\) expired/);
            const owners = new Set((JSON.parse(all.stdout) as Entry[]).map((e) => e.owner.name));
            assert.ok(owners.has("Bob") && owners.has("Carol") && owners.size === 3);
            const relaxed = await audit(project, [
                "--state",
                stateFile,
                "--all-owners",
                "--max",
                "expired=1",
                "--markdown",
            ]);
            assert.equal(relaxed.status, 0);
            assert.match(relaxed.stdout, /^\| id \| name \| owner \| managed by/);
            assert.match(relaxed.stdout, /bob-feed \| Bob \| - \|/);

            const usage = await audit(project, ["--fail-on", "stale-ish"]);
            assert.equal(usage.status, 2);
            assert.match(usage.stderr, /unknown finding "stale-ish"; known: unmanaged, expired/);

            // --only-stale asks the API for stale tokens only (its filters).
            emulator.resetRequests();
            const staleOnly = await audit(project, ["--only-stale", "--json"]);
            assert.deepEqual(
                (JSON.parse(staleOnly.stdout) as Entry[]).map((e) => e.name).sort(),
                ["expired", "managed-0", "managed-1", "never-expires", "stale"].sort(),
            );
            const filters = emulator.requests
                .filter((r) => r.operation === "list")
                .map((r) => r.query.filters);
            assert.equal(filters.length, 2);
            assert.match(filters[0] as string, /^lastUsed le \d{4}-\d{2}-\d{2}T/);
            assert.equal(filters[1], "lastUsed isnull");

            // 403 without the tenant-wide right names it.
            emulator.addClient({
                clientId: "narrow",
                clientSecret: "narrow-secret-value",
                rights: [RIGHTS.myRead, RIGHTS.myManage],
            });
            hygiene.secret("narrow-secret-value");
            const denied = await audit(project, ["--all-owners"], {
                SAIL_CLIENT_ID: "narrow",
                SAIL_CLIENT_SECRET: "narrow-secret-value",
            });
            assert.equal(denied.status, 2);
            assert.match(denied.stderr, /HTTP 403.*idn:all-personal-access-tokens:read/s);

            // Emission: the caller's unmanaged, unexpired tokens; then up adopts them with no write.
            const emitted = await audit(project, [
                "--stack",
                project.stack,
                "--api-version",
                "v2025",
                "--emit-program",
                adoptedFile,
            ]);
            assert.equal(emitted.status, 0, emitted.stderr);
            assert.match(emitted.stderr, /wrote 2 adopting declaration\(s\)/);
            await project.setConfig("adopted", true);
            emulator.resetRequests();
            // With its preview: neither may write.
            await project.run(["up", "--yes"]);
            assert.deepEqual(
                emulator.requests.filter(
                    (r) => r.operation === "create" || r.operation === "patch" || r.operation === "delete",
                ),
                [],
                "adopting changes nothing at the API",
            );
            await project.run(["preview", "--expect-no-changes"]);
            const after = await audit(project, [
                "--stack",
                project.stack,
                "--api-version",
                "v2025",
                "--json",
            ]);
            const managedNow = (JSON.parse(after.stdout) as Entry[])
                .filter((e) => e.managed)
                .map((e) => e.name);
            assert.deepEqual(managedNow.sort(), ["managed-0", "managed-1", "never-expires", "stale"]);
            assert.ok(emulator.verifySecret(stale.id, stale.secret), "adopted tokens keep working");
        } finally {
            rmSync(adoptedFile, { force: true });
            project.cleanup();
        }
    });
});

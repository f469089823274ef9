// The shipped policy pack under the real CLI, as a user runs it: `pulumi preview --policy-pack
// node_modules/@isc-pat/pulumi-sailpoint-pat/policy` in a project that installed the packed tarball
// (our language host's RunPlugin starts it). Mandatory violations fail the preview naming the
// resource, the policy and the fix; advisories warn; --policy-pack-config changes the verdict; the
// stack advisories read the state's outputs; nothing the pack prints holds a secret.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../scripts/pulumi-project";
import { bearer } from "../emulator/helpers";
import { inDays } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { useStack } from "../support/stack";
import { DAY } from "../support/time";

const TYPE = "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken";
const COMPLIANT = {
    name: "svc-ci",
    scope: ["sp:scopes:default"],
    rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
    accessTokenValiditySeconds: 3600,
};

/** The line the CLI prints for a violation: level, policy id, then type and resource name. */
const violation = (level: string, policy: string, resource = "token") =>
    `[${level}]  ${policy}  (${TYPE}: ${resource})`;

describe("end to end: the policy pack", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {});

    /** The pack as the project installed it. */
    const pack = () => join(ctx.project.dir, "node_modules", "@isc-pat", "pulumi-sailpoint-pat", "policy");

    async function preview(token: Record<string, unknown>, config?: object, extra: string[] = []) {
        await ctx.project.setConfig("token", token);
        const args = ["preview", "--policy-pack", pack(), ...extra];
        if (config) {
            const file = join(ctx.project.home, "policy-config.json");
            writeFileSync(file, JSON.stringify(config));
            args.push("--policy-pack-config", file);
        }
        return ctx.project.run(args, { allowFailure: true });
    }

    it("a compliant program previews green", async () => {
        const run = await preview(COMPLIANT);
        assert.equal(run.status, 0, run.output);
        // The CLI reports policy/package.json's version, which is the package's.
        const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
            version: string;
        };
        assert.ok(run.output.includes(`✅ sailpoint-pat-hygiene@v${version} (local: `), run.output);
        assert.doesNotMatch(run.output, /\[(mandatory|advisory)\]/);
    });

    // Each resource breaks one mandatory policy: one preview shows that each is reported at its own
    // resource, at the mandatory level, with its fix, and that the preview fails.
    const mandatory = [
        {
            title: "least privilege: scope omitted means sp:scopes:all",
            resource: "no-scope",
            token: { ...COMPLIANT, name: "svc-no-scope", scope: undefined },
            policy: "sailpoint-pat-least-privilege",
            message:
                /PersonalAccessToken "no-scope" \(name "svc-no-scope"\): declares no scope, which means sp:scopes:all .*; declare only the scopes it needs/,
        },
        {
            title: "maximum lifetime: an expirationDate 120 days ahead",
            resource: "long-lived",
            token: { ...COMPLIANT, name: "svc-long-lived", rotation: undefined, expirationDate: inDays(120) },
            policy: "sailpoint-pat-maximum-lifetime",
            message:
                /PersonalAccessToken "long-lived" \(name "svc-long-lived"\): expires on .*, 120 days from now, more than the 90 days allowed; set expirationDate to \S+ or earlier/,
        },
        {
            title: "maximum lifetime: a token that never expires",
            resource: "never-expires",
            token: {
                ...COMPLIANT,
                name: "svc-never-expires",
                rotation: undefined,
                userAwareTokenNeverExpires: true,
            },
            policy: "sailpoint-pat-maximum-lifetime",
            message:
                /PersonalAccessToken "never-expires" \(name "svc-never-expires"\): never expires \(no expirationDate on apiVersion v1\); set expirationDate at most 90 days ahead/,
        },
    ];
    it(`mandatory violations fail the preview, each at its resource: ${mandatory.map((c) => c.title).join("; ")}`, async () => {
        await ctx.project.setConfig(
            "tokens",
            Object.fromEntries(mandatory.map((c) => [c.resource, c.token])),
        );
        try {
            const run = await ctx.project.run(["preview", "--policy-pack", pack()], { allowFailure: true });
            assert.notEqual(run.status, 0);
            for (const c of mandatory) {
                assert.ok(run.output.includes(violation("mandatory", c.policy, c.resource)), run.output);
                assert.match(run.output, c.message);
            }
            assert.match(run.output, /❌ sailpoint-pat-hygiene/);
            assert.doesNotMatch(run.output, /\[advisory\]  sailpoint-pat-(least-privilege|maximum-lifetime)/);
        } finally {
            await ctx.project.setConfig("tokens", undefined);
        }
    });

    it("advisory policies warn without failing", async () => {
        const run = await preview({
            ...COMPLIANT,
            rotation: undefined,
            accessTokenValiditySeconds: undefined,
            expirationDate: inDays(60),
        });
        assert.equal(run.status, 0, run.output);
        assert.ok(run.output.includes(violation("advisory", "sailpoint-pat-rotation-required")), run.output);
        assert.ok(
            run.output.includes(violation("advisory", "sailpoint-pat-minted-bearer-lifetime")),
            run.output,
        );
        assert.match(run.output, /declares no accessTokenValiditySeconds \(default 43200\)/);
        assert.doesNotMatch(run.output, /\[mandatory\]/);
    });

    it("policy config changes the verdict", async () => {
        const long = { ...COMPLIANT, rotation: undefined, expirationDate: inDays(120) };
        const allowed = await preview(long, { "sailpoint-pat-maximum-lifetime": { maximumDays: 180 } });
        assert.equal(allowed.status, 0, allowed.output);
        assert.doesNotMatch(allowed.output, /\[mandatory\]/);

        const escalated = await preview(long, {
            "sailpoint-pat-maximum-lifetime": { maximumDays: 180 },
            "sailpoint-pat-rotation-required": "mandatory",
        });
        assert.notEqual(escalated.status, 0);
        assert.ok(
            escalated.output.includes(violation("mandatory", "sailpoint-pat-rotation-required")),
            escalated.output,
        );

        const named = await preview(
            { ...COMPLIANT, name: "CI Deploy" },
            { "sailpoint-pat-naming": { enforcementLevel: "mandatory", pattern: "^svc-" } },
        );
        assert.notEqual(named.status, 0);
        assert.ok(named.output.includes(violation("mandatory", "sailpoint-pat-naming")), named.output);
        assert.match(named.output, /name "CI Deploy" does not match the required pattern \^svc-/);

        const invalid = await preview(COMPLIANT, {
            "sailpoint-pat-maximum-lifetime": { maximumDays: "ninety" },
        });
        assert.notEqual(invalid.status, 0, "the engine checks the config against the policy's schema");
        assert.match(invalid.output, /maximumDays/);
    });

    it("stack advisories read the state's outputs (lastUsed, created); the pack prints no secret", async () => {
        const { emulator } = ctx.h;
        const token = { ...COMPLIANT, rotation: undefined, expirationDate: inDays(60) };
        await ctx.project.setConfig("token", token);
        await ctx.project.setConfig("count", 2);
        emulator.clock.advance(-100 * DAY); // the tokens were made 100 days ago
        // Read once: the preview below (--refresh) does not write the state.
        let clientSecret = "";
        try {
            await ctx.project.run(["up", "--yes", "--skip-preview"]);
            const outputs = ctx.project.outputs(true) as Record<string, string>;
            const clientId = outputs.clientId;
            clientSecret = outputs.clientSecret;
            hygiene.secret(clientSecret);
            hygiene.secret(await bearer(emulator, clientId, clientSecret)); // token-0 used, 100 days ago
        } finally {
            emulator.clock.reset();
        }
        assert.equal(emulator.tokens("v1").length, 2);

        const run = await preview(token, undefined, ["--refresh"]);
        assert.equal(run.status, 0, run.output);
        assert.ok(run.output.includes(violation("advisory", "sailpoint-pat-unused", "token-0")), run.output);
        assert.match(
            run.output,
            /PersonalAccessToken "token-0" \(name "svc-ci-0"\): last used on \S+, 100 days ago \(limit: 90 days\)/,
        );
        assert.ok(
            run.output.includes(violation("advisory", "sailpoint-pat-never-used", "token-1")),
            run.output,
        );
        assert.doesNotMatch(run.output, /never-used {2}\(\S+: token-0\)/);

        assert.ok(!run.output.includes(clientSecret), "the PAT secret is not in the pack's output");
        assert.ok(!run.output.includes(ctx.h.clientSecret), "the client secret is not in the pack's output");
        await ctx.project.setConfig("count", undefined);
    });
});

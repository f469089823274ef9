// The policy objects as @pulumi/policy runs them: matched by type token, config with defaults,
// props behind @pulumi/policy's own unknown-checking proxy (an unknown must not even be touched, or
// the framework turns it into a warning), the clock injected; and the shipped pack's files.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { DEFAULTS, POLICY_IDS } from "../../policy/config";
import { leastPrivilege } from "../../policy/rules";
import {
    NATIVE_PERSONAL_ACCESS_TOKEN_TYPE,
    PERSONAL_ACCESS_TOKEN_TYPE,
    tokenHygienePolicies,
} from "../../policy/policies";
import { UNKNOWN_SENTINELS } from "../../policy/values";
import { UNKNOWN as U } from "../../provider/rules/types";
import { REPO } from "../../scripts/pulumi-project";
import { README_PACK_VERSION, syncVersion } from "../../scripts/sync-version";
import { inDays } from "../support/harness";

const NOW = new Date();

/**
 * A stricter unknown-checking proxy than today's @pulumi/policy, as a later version might be: no
 * special key hands out the target, every property read through `get` throws, and with
 * `descriptors` reading an unknown through getOwnPropertyDescriptor throws too.
 */
function strictProxy(target: unknown, descriptors: boolean): unknown {
    if (!(target instanceof Object)) return target;
    return new Proxy(target, {
        get: (_, key) => {
            throw new Error(`strict proxy: read of ${String(key)}`);
        },
        ...(descriptors && {
            getOwnPropertyDescriptor: (t: object, key: string | symbol) => {
                const d = Reflect.getOwnPropertyDescriptor(t, key);
                if (d && UNKNOWN_SENTINELS.has(d.value as string)) throw new Error("unknown during preview");
                return d && "value" in d && d.configurable ? { ...d, value: strictProxy(d.value, true) } : d;
            },
        }),
    });
}

const policies = tokenHygienePolicies({ now: () => NOW });
const byId = (id: string) => {
    const policy = policies.find((p) => p.name === id);
    assert.ok(policy, id);
    return policy;
};

/** Runs a resource policy the way @pulumi/policy's server does; returns the messages reported. */
function analyze(
    id: string,
    props: Record<string, unknown>,
    config: object = {},
    type = PERSONAL_ACCESS_TOKEN_TYPE,
    wrap: (props: Record<string, unknown>) => unknown = unknownCheckingProxy,
) {
    const policy = byId(id) as ResourceValidationPolicy;
    const reported: string[] = [];
    const args = {
        type,
        props: wrap(props),
        urn: `urn:pulumi:dev::p::${type}::ci`,
        name: "ci",
        getConfig: () => config,
    };
    (policy.validateResource as (a: unknown, r: (m: string) => void) => void)(args, (m) => reported.push(m));
    return reported;
}

function analyzeStack(id: string, resources: Partial<PolicyResource>[], config: object = {}) {
    const policy = byId(id) as StackValidationPolicy;
    const reported: { message: string; urn?: string }[] = [];
    const args = {
        resources: resources.map((r) => ({ ...r, props: unknownCheckingProxy(r.props ?? {}) })),
        getConfig: () => config,
    };
    (policy.validateStack as (a: unknown, r: (m: string, u?: string) => void) => void)(args, (message, urn) =>
        reported.push({ message, urn }),
    );
    return reported;
}

describe("policy pack: the policies as @pulumi/policy runs them", () => {
    it("has every policy, with its id, description and default enforcement level", () => {
        const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
        assert.deepEqual(levels, {
            [POLICY_IDS.maximumLifetime]: "mandatory",
            [POLICY_IDS.leastPrivilege]: "mandatory",
            [POLICY_IDS.rotationRequired]: "advisory",
            [POLICY_IDS.mintedBearerLifetime]: "advisory",
            [POLICY_IDS.naming]: "disabled",
            [POLICY_IDS.unused]: "advisory",
            [POLICY_IDS.neverUsed]: "advisory",
            [POLICY_IDS.expiringWithoutRotation]: "advisory",
            [POLICY_IDS.rotationOverdue]: "advisory",
        });
        for (const p of policies) assert.ok(p.description.length > 20, p.name);
    });
    it("matches tokens by type token only: the dynamic resource's and the native plugin's", () => {
        assert.equal(analyze(POLICY_IDS.leastPrivilege, { name: "ci" }).length, 1);
        assert.equal(
            analyze(POLICY_IDS.leastPrivilege, { name: "ci" }, {}, NATIVE_PERSONAL_ACCESS_TOKEN_TYPE).length,
            1,
        );
        assert.equal(analyze(POLICY_IDS.leastPrivilege, { name: "ci" }, {}, "iscpat:index:Other").length, 0);
        assert.equal(
            analyze(POLICY_IDS.leastPrivilege, { name: "ci" }, {}, "pulumi-nodejs:dynamic:Resource").length,
            0,
        );
        assert.equal(
            analyze(POLICY_IDS.leastPrivilege, { name: "ci" }, {}, "aws:iam/accessKey:AccessKey").length,
            0,
        );
    });
    it("applies the config over the defaults", () => {
        const props = { name: "ci", apiVersion: "v1", expirationDate: inDays(120, NOW) };
        assert.equal(analyze(POLICY_IDS.maximumLifetime, props).length, 1);
        assert.equal(analyze(POLICY_IDS.maximumLifetime, props, { maximumDays: 150 }).length, 0);
    });
    it("never touches an unknown value (the proxy would throw), so preview makes no violation or warning", () => {
        const all = {
            name: U,
            scope: U,
            expirationDate: U,
            rotation: U,
            apiVersion: U,
            accessTokenValiditySeconds: U,
        };
        for (const p of policies.filter((p) => "validateResource" in p)) {
            assert.deepEqual(analyze(p.name, all, { pattern: "^z$", allowedScopes: ["x"] }), [], p.name);
        }
        assert.deepEqual(
            analyze(POLICY_IDS.leastPrivilege, { name: "ci", scope: [U, "sp:scopes:default"] }),
            [],
        );
    });
    it("still checks the known values next to unknown ones, behind the proxy", () => {
        const lifetime = { name: "ci", scope: U, apiVersion: "v1", expirationDate: inDays(120, NOW) };
        assert.match(analyze(POLICY_IDS.maximumLifetime, lifetime).join(), /120 days from now/);
        assert.match(
            analyze(POLICY_IDS.leastPrivilege, { name: U, scope: [U, "sp:scopes:all"] }).join(),
            /has scope sp:scopes:all/,
        );
        assert.match(
            analyze(POLICY_IDS.naming, { name: "Bad Name", scope: U }, { pattern: "^z$" }).join(),
            /name "Bad Name" does not match/,
        );
        assert.match(
            analyze(POLICY_IDS.maximumLifetime, {
                name: "ci",
                rotation: { expiresInDays: 400, rotateBeforeDays: U },
            }).join(),
            /rotation.expiresInDays is 400/,
        );
    });
    it("does not depend on @pulumi/policy's internal proxy keys: reads pass by the get trap", () => {
        for (const descriptors of [false, true]) {
            const wrap = (props: Record<string, unknown>) => strictProxy(props, descriptors);
            const props = {
                name: "ci",
                scope: ["sp:scopes:default", "sp:scopes:all"],
                apiVersion: "v1",
                rotation: { expiresInDays: 400, rotateBeforeDays: 7 },
            };
            assert.match(
                analyze(POLICY_IDS.leastPrivilege, props, {}, undefined, wrap).join(),
                /has scope sp:scopes:all/,
            );
            assert.match(
                analyze(POLICY_IDS.maximumLifetime, props, {}, undefined, wrap).join(),
                /rotation.expiresInDays is 400/,
            );
            const unknowns = {
                name: U,
                scope: [U, "sp:scopes:default"],
                rotation: { expiresInDays: U },
                accessTokenValiditySeconds: U,
            };
            for (const p of policies.filter((p) => "validateResource" in p)) {
                assert.deepEqual(
                    analyze(
                        p.name,
                        unknowns,
                        { pattern: "^z$", allowedScopes: ["sp:scopes:default"] },
                        undefined,
                        wrap,
                    ),
                    [],
                    `${p.name}, descriptors trapped: ${descriptors}`,
                );
            }
        }
    });
    it("props that cannot even be listed count as all unknown: no violation", () => {
        const unlistable = (props: Record<string, unknown>) =>
            new Proxy(props, {
                ownKeys: () => {
                    throw new Error("not known during preview");
                },
            });
        for (const p of policies.filter((p) => "validateResource" in p)) {
            assert.deepEqual(
                analyze(p.name, { name: "Bad Name" }, { pattern: "^z$" }, undefined, unlistable),
                [],
            );
        }
    });
    it("stack policies report each token by its URN, from the state's outputs, with the injected clock", () => {
        const urn = `urn:pulumi:dev::p::${PERSONAL_ACCESS_TOKEN_TYPE}::old`;
        const reported = analyzeStack(POLICY_IDS.neverUsed, [
            {
                type: PERSONAL_ACCESS_TOKEN_TYPE,
                name: "old",
                urn,
                props: { name: "old", created: inDays(-40, NOW), lastUsed: null },
            },
            {
                type: PERSONAL_ACCESS_TOKEN_TYPE,
                name: "new",
                urn: "u2",
                props: { name: "new", created: U, lastUsed: U },
            },
            {
                type: NATIVE_PERSONAL_ACCESS_TOKEN_TYPE,
                name: "yaml-old",
                urn: "u-native",
                props: { name: "yaml-old", created: inDays(-40, NOW), lastUsed: null },
            },
            {
                type: "random:index/randomId:RandomId",
                name: "x",
                urn: "u3",
                props: { created: inDays(-40, NOW), lastUsed: null },
            },
        ]);
        assert.deepEqual(
            reported.map((r) => r.urn),
            [urn, "u-native"],
        );
        assert.match(reported[0].message, /^PersonalAccessToken "old": created on .*40 days ago/);
        assert.equal(
            analyzeStack(
                POLICY_IDS.neverUsed,
                [
                    {
                        type: PERSONAL_ACCESS_TOKEN_TYPE,
                        name: "old",
                        urn,
                        props: { created: inDays(-40, NOW), lastUsed: null },
                    },
                ],
                { days: 60 },
            ).length,
            0,
        );
    });
    it("knows every unknown placeholder @pulumi/policy knows", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
        const theirs = Object.entries(proxy)
            .filter(([k]) => /^unknown\w+Value$/.test(k))
            .map(([, v]) => v);
        assert.equal(theirs.length, 7);
        assert.deepEqual(new Set(theirs), UNKNOWN_SENTINELS);
    });
    it("is exported as the package's ./policy for composition", () => {
        // A self-reference resolves through package.json "exports", as a user's require does.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const entry = require("@isc-pat/pulumi-sailpoint-pat/policy") as Record<string, unknown>;
        assert.equal(typeof entry.tokenHygienePolicies, "function");
        assert.equal(entry.PERSONAL_ACCESS_TOKEN_TYPE, PERSONAL_ACCESS_TOKEN_TYPE);
        assert.equal(entry.NATIVE_PERSONAL_ACCESS_TOKEN_TYPE, "iscpat:index:PersonalAccessToken");
    });
});

describe("policy pack: shipped in the package", () => {
    it("policy/ holds PulumiPolicy.yaml and a package.json (same version) whose main is the compiled pack", () => {
        const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
        const pack = JSON.parse(readFileSync(join(REPO, "policy", "package.json"), "utf8"));
        assert.equal(pack.version, root.version, "the pack reports policy/package.json's version");
        assert.equal(pack.main, "../dist/policy/pack.js");
        assert.match(readFileSync(join(REPO, "policy", "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    });
    it("the README's sample output shows the package's version and what the code prints", () => {
        const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
        const readme = readFileSync(join(REPO, "README.md"), "utf8");
        const shown = [...readme.matchAll(README_PACK_VERSION)].map((m) => m[2]);
        assert.ok(shown.length > 0, "the README shows a sample with the pack's version");
        for (const v of shown)
            assert.equal(v, version, "run npm run build && node dist/scripts/sync-version.js");
        const sample = readme.slice(readme.indexOf("❌ sailpoint-pat-hygiene@v")).split("\n").slice(0, 4);
        assert.match(sample[1], new RegExp(`\\[mandatory\\]  ${POLICY_IDS.leastPrivilege}  `));
        assert.equal(sample[2].trim(), byId(POLICY_IDS.leastPrivilege).description);
        assert.equal(
            sample[3].trim(),
            leastPrivilege({ resource: "token", props: { name: "ci" } }, DEFAULTS.leastPrivilege),
        );
    });
    it("sync-version (npm version's hook) carries the root version into policy/package.json, the READMEs and the changelog", () => {
        const dir = mkdtempSync(join(tmpdir(), "pat-version-"));
        try {
            mkdirSync(join(dir, "policy"));
            cpSync(join(REPO, "policy", "package.json"), join(dir, "policy", "package.json"));
            cpSync(join(REPO, "README.md"), join(dir, "README.md"));
            mkdirSync(join(dir, "examples", "yaml"), { recursive: true });
            cpSync(join(REPO, "examples", "yaml", "README.md"), join(dir, "examples", "yaml", "README.md"));
            cpSync(join(REPO, "CHANGELOG.md"), join(dir, "CHANGELOG.md"));
            const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
            writeFileSync(join(dir, "package.json"), JSON.stringify({ ...root, version: "9.8.7-rc.1" }));
            const now = new Date(Date.UTC(2031, 4, 6, 12));
            assert.deepEqual(syncVersion(dir, now), [
                "policy/package.json",
                "README.md",
                "examples/yaml/README.md",
                "CHANGELOG.md",
            ]);
            for (const file of ["README.md", "examples/yaml/README.md"])
                assert.match(
                    readFileSync(join(dir, file), "utf8"),
                    / iscpat 9\.8\.7-rc\.1 --file pulumi-resource-iscpat-v9\.8\.7-rc\.1-linux-amd64\.tar\.gz\n/,
                    `${file} installs the new version's plugin`,
                );
            assert.match(
                readFileSync(join(dir, "README.md"), "utf8"),
                /pulumi-resource-iscpat-v9\.8\.7-rc\.1-<os>-<arch>/,
            );
            const changelog = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
            assert.match(
                changelog,
                /\n## Unreleased\n\n## 9\.8\.7-rc\.1 - 2031-05-06\n\n- /,
                "the entries move under the version",
            );
            const pack = JSON.parse(readFileSync(join(dir, "policy", "package.json"), "utf8"));
            const before = JSON.parse(readFileSync(join(REPO, "policy", "package.json"), "utf8"));
            assert.deepEqual(pack, { ...before, version: "9.8.7-rc.1" });
            assert.match(
                readFileSync(join(dir, "README.md"), "utf8"),
                /sailpoint-pat-hygiene@v9\.8\.7-rc\.1 \(local/,
            );
            assert.deepEqual(syncVersion(dir, now), [], "idempotent");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
    it("npm pack includes them, and the compiled policies", () => {
        const [report] = JSON.parse(
            execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
                cwd: REPO,
                encoding: "utf8",
            }),
        );
        const files = new Set((report.files as { path: string }[]).map((f) => f.path));
        for (const f of [
            "policy/PulumiPolicy.yaml",
            "policy/package.json",
            "dist/policy/pack.js",
            "dist/policy/policies.js",
            "dist/policy/index.d.ts",
        ]) {
            assert.ok(files.has(f), `${f} is in the tarball`);
        }
        assert.ok(
            ![...files].some((f) => f.startsWith("policy/") && f.endsWith(".ts")),
            "no TypeScript sources in policy/",
        );
    });
    it("the PulumiPolicy.yaml runtime, the type token and the resource agree", () => {
        // The resource registers as pulumi-nodejs:dynamic/<module>:<type>; resource.ts passes these two.
        const source = readFileSync(join(REPO, "provider", "dynamic", "resource.ts"), "utf8");
        assert.match(source, /"sailpoint",\s*"PersonalAccessToken",/);
        assert.equal(PERSONAL_ACCESS_TOKEN_TYPE, "pulumi-nodejs:dynamic/sailpoint:PersonalAccessToken");
    });
});

// The generated SDKs (sdk/): they are what the generator makes of the plugin's package schema today,
// the Go SDK builds against the locked sdk/v3 (with a program of two provider instances), and the
// Python SDK byte-compiles. The Node.js SDK runs under the CLI in test/e2e/sdk-nodejs.test.ts. Only
// Go's module proxy is reached (the generator's and the SDK's modules, verified by their go.sum).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LANGUAGES, runGenerator, sdkSchema } from "../../scripts/gen-sdk";
import { SDK, removeSdkBuilds, tempDir } from "../support/sdk";

/** Files a language's own tooling leaves beside the sources (each SDK's .gitignore names them). */
const BUILD_OUTPUT = /(^|\/)(__pycache__|node_modules|bin)(\/|$)|\.pyc$/;

/** The files under dir, relative, sorted; build output left out. */
function files(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => !BUILD_OUTPUT.test(f) && statSync(join(dir, f)).isFile())
        .sort();
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
    const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the generated SDKs", function () {
    // The generator's first build compiles pkg/v3's code generators (minutes with a cold Go cache).
    this.timeout(900_000);
    after(removeSdkBuilds);

    it("are what the generator writes from the plugin's package schema", () => {
        const out = tempDir("pat-sdk-gen-");
        runGenerator(sdkSchema(), out);
        for (const language of LANGUAGES) {
            const committed = files(join(SDK, language));
            const generated = files(join(out, language));
            assert.ok(generated.length > 5, `the ${language} SDK has files`);
            assert.deepEqual(committed, generated, `sdk/${language} has the generated files: run npm run gen-sdk`);
            for (const file of generated) {
                assert.equal(
                    readFileSync(join(SDK, language, file), "utf8"),
                    readFileSync(join(out, language, file), "utf8"),
                    `sdk/${language}/${file} is as generated: run npm run gen-sdk`,
                );
            }
        }
    });

    it("carry the schema's secrets into every language", () => {
        const read = (file: string) => readFileSync(join(SDK, file), "utf8");
        assert.match(read("nodejs/personalAccessToken.ts"), /additionalSecretOutputs: \["secret"\]/);
        assert.match(read("nodejs/provider.ts"), /resourceInputs\["clientSecret"\] = .*pulumi\.secret\(/);
        assert.match(read("python/pulumi_iscpat/personal_access_token.py"), /additional_secret_outputs=\["secret"\]/);
        assert.match(read("python/pulumi_iscpat/provider.py"), /client_secret\)?.*pulumi\.Output\.secret\(/);
        assert.match(read("go/iscpat/personalAccessToken.go"), /AdditionalSecretOutputs\(\[\]string\{\s*"secret",/);
        assert.match(read("go/iscpat/provider.go"), /ClientSecret = pulumi\.ToSecret\(/);
    });

    it("name an enum value spelt like a Go type suffix, keeping its wire value", () => {
        // ExpirationDateSource "input" would be the Go constant ExpirationDateSourceInput, the name of
        // the type's own input interface: the Go generator stops on it.
        const read = (file: string) => readFileSync(join(SDK, file), "utf8");
        assert.match(read("go/iscpat/pulumiEnums.go"), /ExpirationDateSourceInputValue\s+= ExpirationDateSource\("input"\)/);
        assert.match(read("nodejs/types/enums/index.ts"), /InputValue: "input"/);
        assert.match(read("python/pulumi_iscpat/_enums.py"), /INPUT_VALUE = "input"/);
    });

    it("the generator refuses a schema it cannot bind, naming what is wrong", () => {
        const out = tempDir("pat-sdk-bad-");
        const schema = sdkSchema() as { resources: Record<string, { inputProperties: Record<string, unknown> }> };
        const token = Object.values(schema.resources)[0];
        token.inputProperties.name = { $ref: "#/types/iscpat:index:Missing" };
        assert.throws(() => runGenerator(schema, out), /iscpat:index:Missing/);
        assert.throws(() => runGenerator({ ...schema, resourcez: {} }, out), /resourcez/);
        assert.deepEqual(readdirSync(out), [], "nothing written");
    });

    it("Go: the SDK and a program with two provider instances build against the locked sdk/v3", () => {
        const sdkV3 = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(
            readFileSync(join(SDK, "go.mod"), "utf8"),
        );
        const cli = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(
            readFileSync(join(SDK, "..", "tools", "pulumi-cli", "go.mod"), "utf8"),
        );
        assert.equal(sdkV3?.[1], cli?.[1], "sdk/go.mod requires the CLI's sdk/v3");

        const dir = tempDir("pat-sdk-go-");
        for (const file of ["go.mod", "go.sum", "go"]) cpSync(join(SDK, file), join(dir, file), { recursive: true });
        mkdirSync(join(dir, "cmd", "two-tenants"), { recursive: true });
        writeFileSync(join(dir, "cmd", "two-tenants", "main.go"), GO_PROGRAM);
        // -mod=readonly: every module is the one sdk/go.mod and go.sum pin; none is added or upgraded.
        // -trimpath, as the CLI is built: the packages they share (most of sdk/v3) compile once.
        const built = run("go", ["build", "-mod=readonly", "-trimpath", "-o", join(dir, "out") + "/", "./..."], dir);
        assert.equal(built.status, 0, built.output);
        assert.ok(existsSync(join(dir, "out", "two-tenants")), "the program was linked");
        const vetted = run("go", ["vet", "-mod=readonly", "./..."], dir);
        assert.equal(vetted.status, 0, vetted.output);
    });

    it("Python: the SDK byte-compiles", () => {
        const cache = tempDir("pat-sdk-pyc-");
        const python = join(SDK, "python");
        // The byte code goes to a temporary folder, not beside the committed sources.
        const compiled = run("python3", ["-m", "compileall", "-q", python], python, {
            PYTHONPYCACHEPREFIX: cache,
        });
        assert.equal(compiled.status, 0, compiled.output);
        const sources = files(python).filter((f) => f.endsWith(".py"));
        const bytecode = readdirSync(cache, { recursive: true, encoding: "utf8" }).filter((f) =>
            f.endsWith(".pyc"),
        );
        assert.ok(sources.length >= 8, `the Python SDK's sources (${sources.length})`);
        assert.equal(bytecode.length, sources.length, "every module was compiled");
    });
});

describe("what the README says of other languages", () => {
    const readme = readFileSync(join(SDK, "..", "README.md"), "utf8");
    const section = /### Other languages\n([\s\S]*?)\n#/.exec(readme)?.[1] ?? "";

    it("has the section, naming the sdk/v3 version the Go SDK builds against", () => {
        assert.ok(section.length > 0, "README: ### Other languages");
        const pinned = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(readFileSync(join(SDK, "go.mod"), "utf8"));
        assert.ok(section.includes(`\`github.com/pulumi/pulumi/sdk/v3\` ${pinned?.[1]}`), "the version in sdk/go.mod");
    });

    it("pkg/v3 has code generators for Node.js, Python and Go, and none for .NET or Java", function () {
        this.timeout(300_000);
        const listed = run(
            "go",
            ["list", "-mod=readonly", "github.com/pulumi/pulumi/pkg/v3/codegen/..."],
            join(SDK, "..", "tools", "pulumi-gen-iscpat"),
        );
        assert.equal(listed.status, 0, listed.output);
        const generators = new Set(
            listed.output
                .split("\n")
                .map((p) => /^github\.com\/pulumi\/pulumi\/pkg\/v3\/codegen\/([^/]+)$/.exec(p)?.[1])
                .filter((p) => p !== undefined),
        );
        for (const language of ["nodejs", "python", "go"]) assert.ok(generators.has(language), language);
        for (const language of ["dotnet", "csharp", "java"]) assert.ok(!generators.has(language), language);
    });

    it("the CLI built for the tests brings language hosts for Node.js and YAML only", () => {
        const scripts = ["pulumi-cli.sh", "pulumi-yaml.sh"]
            .map((f) => readFileSync(join(SDK, "..", "scripts", f), "utf8"))
            .join("\n");
        const hosts = new Set([...scripts.matchAll(/pulumi-language-(\w+)/g)].map((m) => m[1]));
        assert.deepEqual([...hosts].sort(), ["nodejs", "yaml"]);
    });
});

/** A Go program as a user writes it: two tenants, a provider instance and a token at each. */
const GO_PROGRAM = `package main

import (
\t"github.com/isc-pat/pulumi-sailpoint-pat/sdk/go/iscpat"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
\tpulumi.Run(func(ctx *pulumi.Context) error {
\t\tcfg := config.New(ctx, "")
\t\tfor _, tenant := range []string{"sandbox", "production"} {
\t\t\tprovider, err := iscpat.NewProvider(ctx, tenant, &iscpat.ProviderArgs{
\t\t\t\tBaseUrl:      pulumi.String(cfg.Require(tenant + "BaseUrl")),
\t\t\t\tClientId:     pulumi.String(cfg.Require(tenant + "ClientId")),
\t\t\t\tClientSecret: cfg.RequireSecret(tenant + "ClientSecret"),
\t\t\t\tApiVersion:   iscpat.ApiVersionV2025,
\t\t\t})
\t\t\tif err != nil {
\t\t\t\treturn err
\t\t\t}
\t\t\ttoken, err := iscpat.NewPersonalAccessToken(ctx, tenant+"-ci", &iscpat.PersonalAccessTokenArgs{
\t\t\t\tName:           pulumi.String(tenant + "-ci"),
\t\t\t\tScope:          pulumi.StringArray{pulumi.String("sp:scopes:default")},
\t\t\t\tExpirationDate: pulumi.String(cfg.Require("expirationDate")),
\t\t\t}, pulumi.Provider(provider))
\t\t\tif err != nil {
\t\t\t\treturn err
\t\t\t}
\t\t\tctx.Export(tenant+"Id", token.ID())
\t\t\tctx.Export(tenant+"Secret", token.Secret)
\t\t}
\t\treturn nil
\t})
}
`;

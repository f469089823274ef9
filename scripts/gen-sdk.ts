// `npm run gen-sdk`: the Node.js, Python and Go SDKs of the native plugin, generated into sdk/ from the
// plugin's package schema (packageSchema(), itself generated from schema.json) by
// tools/pulumi-gen-iscpat, a small Go program on the code generators of the CLI's pkg/v3.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { packageSchema } from "../provider/native/package-schema";
import { REPO } from "./pulumi-project";

export const LANGUAGES = ["nodejs", "python", "go"] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The Go module path of the Go SDK (sdk/go.mod): the repository's sdk/ folder, as Pulumi providers lay
 * theirs out. The package is `<module>/go/iscpat`.
 */
export const GO_MODULE = "github.com/isc-pat/pulumi-sailpoint-pat/sdk";

/**
 * The version the SDKs are generated with. The committed SDKs carry none: each generator writes a
 * `${VERSION}` placeholder that a release fills in (test/sdk/ fills in package.json's), so a version
 * bump does not change generated files.
 */
const GENERATED_VERSION = "0.0.0";

/** The package schema with each SDK's own names (the engine ignores `language`). */
export function sdkSchema(): Record<string, unknown> {
    return {
        ...packageSchema(GENERATED_VERSION),
        language: {
            nodejs: { packageName: "@isc-pat/iscpat", packageDescription: "The iscpat native plugin's SDK." },
            python: { packageName: "pulumi_iscpat" },
            go: { importBasePath: `${GO_MODULE}/go/iscpat` },
        },
    };
}

/**
 * Runs tools/pulumi-gen-iscpat on `schema` (Go caches its build: minutes the first time, seconds after),
 * writing each language's SDK to `out/<language>` and replacing what was there. Throws with the
 * generator's message when it fails.
 */
export function runGenerator(schema: unknown, out: string, languages: readonly string[] = LANGUAGES): void {
    // -trimpath, as scripts/pulumi-cli.sh builds the CLI: the packages they share compile once.
    execFileSync("go", ["run", "-mod=readonly", "-trimpath", ".", "-out", out, ...languages], {
        cwd: join(REPO, "tools", "pulumi-gen-iscpat"),
        input: JSON.stringify(schema),
        stdio: ["pipe", "pipe", "pipe"],
    });
}

/** The SDKs of the plugin's package schema, into `out/<language>`. */
export function generateSdks(out: string, languages: readonly Language[] = LANGUAGES): void {
    runGenerator(sdkSchema(), out, languages);
}

if (require.main === module) {
    try {
        generateSdks(join(REPO, "sdk"));
        process.stdout.write(`generated ${LANGUAGES.join(", ")} SDKs into sdk/\n`);
    } catch (error) {
        process.stderr.write(`${(error as { stderr?: Buffer }).stderr ?? (error as Error).message}\n`);
        process.exit(1);
    }
}

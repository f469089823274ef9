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
 * The version the SDKs are generated with. The committed SDKs carry none: each generator writes a
 * `${VERSION}` placeholder that a release fills in (test/sdk/ fills in package.json's), so a version
 * bump does not change generated files.
 */
const GENERATED_VERSION = "0.0.0";

/** The package schema the SDKs are generated from (its `language` section names each SDK's package). */
export function sdkSchema(): Record<string, unknown> {
    return packageSchema(GENERATED_VERSION);
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

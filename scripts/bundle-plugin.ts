// The native plugin as one JavaScript file: esbuild bundles provider/native/main.ts with everything it
// imports (the lifecycle, got, ajv, @grpc/grpc-js, the protocol's generated messages) into
// plugin/pulumi-resource-iscpat.js, beside the launcher plugin/pulumi-resource-iscpat. The npm
// package's plugin/ and the plugin tarballs (scripts/plugin-tarballs.ts) ship this same file, which needs
// no node_modules. `npm run build` runs it after tsc.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

export const REPO = resolve(__dirname, "..", "..");
export const PLUGIN_DIR = join(REPO, "plugin");
export const PLUGIN_NAME = "pulumi-resource-iscpat";
/** The bundle, beside the launcher that runs it. */
export const BUNDLE = join(PLUGIN_DIR, `${PLUGIN_NAME}.js`);

export function packageVersion(): string {
    return (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
}

/** Writes the bundle; returns its size in bytes. */
export async function bundlePlugin(): Promise<number> {
    const { outputFiles } = await build({
        stdin: {
            contents: 'require("./main").main();',
            resolveDir: join(REPO, "provider", "native"),
            loader: "js",
            sourcefile: "plugin-entry.js",
        },
        outfile: BUNDLE,
        bundle: true,
        platform: "node",
        target: "node20.19",
        format: "cjs",
        // got is loaded by a dynamic import (provider/isc-client/http.ts): bundled, it stays lazy, so a
        // plugin that sends no request (a preview with no change, the schema) never evaluates it.
        minifyWhitespace: true,
        minifySyntax: true,
        legalComments: "eof",
        define: { ISC_PAT_BUNDLED_VERSION: JSON.stringify(packageVersion()) },
        banner: {
            js: `// ${PLUGIN_NAME} ${packageVersion()}: @isc-pat/pulumi-sailpoint-pat's plugin, bundled.`,
        },
        logLevel: "warning",
        write: false,
    });
    // Written aside, then renamed: a plugin started meanwhile (a test run rebuilding) reads a whole file.
    const [bundle] = outputFiles;
    const aside = `${BUNDLE}.${process.pid}.tmp`;
    writeFileSync(aside, bundle.contents);
    renameSync(aside, BUNDLE);
    return bundle.contents.length;
}

if (require.main === module) {
    bundlePlugin().then(
        (size) => console.log(`bundled the plugin into ${BUNDLE} (${Math.round(size / 1024)} KiB)`),
        (error: unknown) => {
            console.error(error instanceof Error ? error.message : error);
            process.exit(1);
        },
    );
}

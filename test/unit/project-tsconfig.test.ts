// The project the README sets up compiles on TypeScript 5 too (the end-to-end tests run it on the
// newest TypeScript @pulumi/pulumi accepts, 6): its tsconfig.json, with the repository's own
// TypeScript 5, gives no option error (e.g. TS5107, TS5110), and every example uses the same file.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const root = join(__dirname, "..", "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
/** Every example that is a TypeScript project: a new one is checked as soon as it is added. */
const EXAMPLES = readdirSync(join(root, "examples")).filter((e) =>
    existsSync(join(root, "examples", e, "tsconfig.json")),
);

describe("the project's tsconfig.json", () => {
    const text = /cat > tsconfig\.json <<'EOF'\n([\s\S]*?)\nEOF/.exec(readme)?.[1];

    it("the README writes one, the same as every example's and the suite's program", () => {
        assert.ok(text, "the README writes tsconfig.json");
        assert.ok(EXAMPLES.length >= 6, `examples found: ${EXAMPLES.join(", ")}`);
        for (const dir of [...EXAMPLES.map((e) => join("examples", e)), join("test", "e2e-program")]) {
            const example = readFileSync(join(root, dir, "tsconfig.json"), "utf8");
            assert.deepEqual(JSON.parse(example), JSON.parse(text), dir);
        }
    });

    it(`has no option error on TypeScript ${ts.version}`, () => {
        assert.equal(ts.versionMajorMinor.split(".")[0], "5");
        const parsed = ts.parseJsonConfigFileContent(JSON.parse(text as string), ts.sys, root);
        assert.deepEqual(parsed.errors, []);
        const program = ts.createProgram({ rootNames: [], options: parsed.options });
        const problems = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) =>
            ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        );
        assert.deepEqual(problems, []);
        // CommonJS output: the Pulumi language host loads the program with require.
        const out = ts.transpileModule('import { x } from "y"; export const z = x;', {
            compilerOptions: parsed.options,
            fileName: join(root, "index.ts"),
        });
        assert.match(out.outputText, /require\("y"\)/);
    });

    it("shows an option error when there is one (module commonjs with moduleResolution node16)", () => {
        const parsed = ts.parseJsonConfigFileContent(
            { compilerOptions: { module: "commonjs", moduleResolution: "node16" } },
            ts.sys,
            root,
        );
        const program = ts.createProgram({ rootNames: [], options: parsed.options });
        assert.ok(
            program.getOptionsDiagnostics().length > 0,
            "module commonjs with node16 resolution is refused",
        );
    });
});

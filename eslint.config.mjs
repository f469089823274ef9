// Lint: typescript-eslint's recommended rules, plus a ban on console output in the library,
// where a stray log line could carry a secret.
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "dist/",
            "node_modules/",
            ".cache/",
            "examples/**/node_modules/",
            "examples/**/bin/",
            "tools/",
        ],
    },
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
            ],
        },
    },
    {
        files: ["provider/**/*.ts"],
        rules: { "no-console": "error" },
    },
);

// The README's fenced blocks and shell commands, for the tests that run them (readme.test.ts runs
// those of a TypeScript project, yaml.test.ts those of a Pulumi YAML project).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../../scripts/pulumi-project";

export const readme = readFileSync(join(REPO, "README.md"), "utf8");

/** The fenced blocks of a language, in order. */
export function blocks(language: string): string[] {
    return [...readme.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

/**
 * The shell commands of a bash block, in order; a heredoc (`cat > FILE <<'EOF'` … `EOF`) is one command
 * with its lines, run by bash as the user's shell runs it.
 */
export function shellCommands(block: string): string[] {
    const found: string[] = [];
    const lines = block.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        if (line === "" || line.startsWith("#")) continue;
        if (!/<<'EOF'$/.test(line)) {
            found.push(line);
            continue;
        }
        const end = lines.indexOf("EOF", i);
        assert.ok(end > i, `the README's heredoc ${line} ends with EOF`);
        found.push(lines.slice(i, end + 1).join("\n"));
        i = end;
    }
    return found;
}
/** A block that starts so runs in a clone of this repository, not in a user's project. */
export const IN_A_CLONE = "# in a clone of this repository\n";
/** A block that starts so runs in a Pulumi YAML project: test/e2e/yaml.test.ts runs it, on examples/yaml. */
export const IN_A_YAML_PROJECT = "# in a Pulumi YAML project\n";
/** Each shell command of the README's blocks for a Pulumi YAML project, in order. */
export function yamlCommands(): string[] {
    return blocks("bash")
        .filter((b) => b.startsWith(IN_A_YAML_PROJECT))
        .flatMap(shellCommands);
}

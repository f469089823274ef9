// States written by an earlier version, captured from a real `pulumi stack export --show-secrets`
// (test/e2e/fixtures/): each value of that run (stack, tenants, ids, secrets, dates still ahead) is a
// @@placeholder@@, filled in for this run's emulators, so the state can be imported into a new stack.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, type Project } from "../../scripts/pulumi-project";

/**
 * Writes fixture `name` with `values` filled in to the project's home; fails on a placeholder left
 * unfilled. The secrets (`plaintext` in the fixture) are encrypted on import with the stack's own
 * passphrase salt, @@salt@@ (its Pulumi.<stack>.yaml, so make the stack first).
 */
export function filledFixture(name: string, values: Record<string, string>, project: Project): string {
    const config = readFileSync(join(project.dir, `Pulumi.${project.stack}.yaml`), "utf8");
    const salt = /^encryptionsalt: (\S+)$/m.exec(config)?.[1];
    if (salt === undefined) throw new Error(`no encryptionsalt in Pulumi.${project.stack}.yaml`);
    values = { salt, ...values };
    const text = readFileSync(join(REPO, "test", "e2e", "fixtures", name), "utf8").replace(
        /@@(\w+)@@/g,
        (_, key: string) => {
            const value = values[key];
            if (value === undefined) throw new Error(`fixture ${name}: no value for @@${key}@@`);
            // The placeholder sits inside a JSON string (or an escaped one): escape as JSON would.
            return JSON.stringify(value).slice(1, -1);
        },
    );
    const file = join(project.home, name);
    writeFileSync(file, text);
    return file;
}

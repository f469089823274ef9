// The end-to-end tests' view of scripts/pulumi-project.ts: every CLI output goes to the hygiene log,
// and the installed example copies are removed when the whole run ends (a root-level hook).
import { Project, removeInstalls } from "../../scripts/pulumi-project";
import { hygiene } from "./hygiene";

/**
 * Records a CLI output for the suite-wide check, and fails the run at once if it holds a secret: every
 * secret the emulator issued (each generation's), the API clients' secrets, or a JWT.
 */
export function observe(source: string, text: string): void {
    hygiene.record(source, text);
    const leaks = hygiene.leaksIn(text);
    if (leaks.length > 0) throw new Error(`${source} printed what it must not: ${leaks.join(", ")}`);
}
Project.observer = observe;

/**
 * Every command the end-to-end tests run as the README shows it (`pulumi`, `npm`, `npx`): the program,
 * its arguments, and the end-to-end test files that made it.
 */
export const invocations: { program: string; args: string[]; files: string[] }[] = [];

/** Records an invocation with the test files on the call stack (call it synchronously from them). */
export function recordInvocation(args: string[], program = "pulumi"): void {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    const files = [...stack.matchAll(/test\/e2e\/([\w-]+\.test)\.js/g)].map((m) => `test/e2e/${m[1]}.ts`);
    invocations.push({ program, args, files: [...new Set(files)] });
}
Project.invoked = (args) => recordInvocation(args);

// Removing several node_modules trees takes long on a loaded machine: no short timeout for it.
after("remove the installed example projects", function () {
    this.timeout(0);
    removeInstalls();
});

export { Project };

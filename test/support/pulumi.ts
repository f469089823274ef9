// The end-to-end tests' view of scripts/pulumi-project.ts: every CLI output goes to the hygiene log,
// and the installed example copies are removed when the whole run ends (a root-level hook).
import { Project, removeInstalls } from "../../scripts/pulumi-project";
import { observe } from "./hygiene";
import { appendEntry } from "./suite-record";

Project.observer = observe;

/** Records an invocation with the test files on the call stack (call it synchronously from them). */
export function recordInvocation(args: string[], program = "pulumi"): void {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    const files = [...stack.matchAll(/test\/e2e\/([\w-]+\.test)\.js/g)].map((m) => `test/e2e/${m[1]}.ts`);
    // The README tie (test/support/readme-tie.ts) checks them in mocha's main process, over every worker.
    appendEntry({ kind: "invocation", program, args, files: [...new Set(files)] });
}
Project.invoked = (args) => recordInvocation(args);
Project.timed = (args, ms) =>
    appendEntry({
        kind: "cli-time",
        command: args
            .slice(0, 2)
            .filter((a) => !a.startsWith("-"))
            .join(" "),
        ms,
    });

// Removing several node_modules trees takes long on a loaded machine: no short timeout for it. Under
// the suite's hooks the installs are the run's (suite-hooks.ts removes them) and this keeps them.
after("remove the installed example projects", function () {
    this.timeout(0);
    removeInstalls();
});

export { observe, Project };

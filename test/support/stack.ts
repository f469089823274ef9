// The end-to-end suites' common set-up: an emulator, and a stack of a project pointed at it through
// the SAIL_* environment, made before the suite (or each test) and removed after.
import { aroundSuite, startHarness, type Harness } from "./harness";
import { Project } from "./pulumi";

export interface StackContext {
    h: Harness;
    project: Project;
}

export interface StackOptions {
    /** Config for the e2e program's token, set before the first test. */
    token?: Record<string, unknown>;
    /** A fresh emulator and stack for each test rather than one for the suite. */
    perTest?: boolean;
    /** Run `pulumi up` once the stack is made (its update only: the set-up tests no preview). */
    up?: boolean;
}

export function useStack(example: string, options: StackOptions = {}): StackContext {
    const context = {} as StackContext;
    const setUp = async () => {
        context.h = await startHarness();
        context.project = new Project(example, context.h.env);
        await context.project.init();
        if (options.token) await context.project.setConfig("token", options.token);
        if (options.up) await context.project.run(["up", "--yes", "--skip-preview"]);
    };
    // No destroy: nothing checks it, and the emulator stops, the backend is removed and cleanup() ends
    // any plugin process left (a test's own destroy is a step it asserts).
    const tearDown = async () => {
        context.project?.cleanup();
        await context.h?.emulator.stop();
    };
    aroundSuite(options.perTest ?? false, setUp, tearDown);
    return context;
}

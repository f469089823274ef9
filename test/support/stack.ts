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
    const tearDown = async () => {
        // The update alone: a preview first would load the program's providers a second time.
        await context.project?.run(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
        context.project?.cleanup();
        await context.h?.emulator.stop();
    };
    aroundSuite(options.perTest ?? false, setUp, tearDown);
    return context;
}

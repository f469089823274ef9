// The end-to-end tests' view of scripts/pulumi-project.ts: every CLI output goes to the hygiene log,
// and the installed example copies are removed when the whole run ends (a root-level hook).
import { Project, removeInstalls } from "../../scripts/pulumi-project";
import { hygiene } from "./hygiene";

Project.observer = (source, text) => hygiene.record(source, text);

// Their node_modules are large: on a loaded machine removing them outlasts mocha's default 20 s.
after("remove the installed example projects", function () {
    this.timeout(180_000);
    removeInstalls();
});

export { Project };

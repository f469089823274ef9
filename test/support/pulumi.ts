// The end-to-end tests' view of scripts/pulumi-project.ts: every CLI output goes to the hygiene log,
// and the installed example copies are removed when the whole run ends (a root-level hook).
import { Project, removeInstalls } from "../../scripts/pulumi-project";
import { hygiene } from "./hygiene";

Project.observer = (source, text) => hygiene.record(source, text);

// Removing several node_modules trees takes long on a loaded machine: no short timeout for it.
after("remove the installed example projects", function () {
    this.timeout(0);
    removeInstalls();
});

export { Project };

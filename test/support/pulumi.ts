// The end-to-end tests' view of scripts/pulumi-project.ts: every CLI output goes to the hygiene log.
import { Project } from "../../scripts/pulumi-project";
import { hygiene } from "./hygiene";

Project.observer = (source, text) => hygiene.record(source, text);

export { Project };

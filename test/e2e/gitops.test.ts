// examples/gitops under the real CLI: the `pulumi` commands of its GitHub Actions workflow, read
// from the workflow file (so this test cannot drift from it) and run by bash, in order, against the
// emulator: the pull request's preview with the policy pack (its output saved for the comment), the
// merge's up, then a night in which the up rotates the token and the drift gate is green, and a
// night after an out-of-band rename, which the drift gate fails.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { REPO, pulumiCli } from "../../scripts/pulumi-project";

interface Workflow {
    env: Record<string, string>;
    /** Each job's `run:` commands, one per line, in order. */
    jobs: Record<string, string[]>;
}

/** Reads the subset of GitHub Actions YAML the workflow uses: top-level env, jobs, their run steps. */
function readWorkflow(path: string): Workflow {
    const lines = readFileSync(path, "utf8").split("\n");
    const workflow: Workflow = { env: {}, jobs: {} };
    let section = "";
    let child = 0; // the indentation of the current section's keys (env's variables, jobs' names)
    let job = "";
    let block: number | undefined; // indentation of a `run: |` line, while inside its block
    const indentOf = (line: string) => line.length - line.trimStart().length;
    for (const line of lines) {
        const text = line.replace(/\s+#.*$/, "");
        if (block !== undefined) {
            if (text.trim() === "" || indentOf(text) > block) {
                if (text.trim()) workflow.jobs[job].push(text.trim());
                continue;
            }
            block = undefined;
        }
        if (text.trim() === "") continue;
        if (indentOf(text) === 0) {
            section = text.replace(/:.*/, "");
            child = 0;
            continue;
        }
        child ||= indentOf(text);
        const key = indentOf(text) === child ? /^\s*([\w-]+):\s*(.*)$/.exec(text) : null;
        if (section === "env" && key) {
            workflow.env[key[1]] = key[2];
        } else if (section === "jobs" && key) {
            job = key[1];
            workflow.jobs[job] = [];
        } else if (section === "jobs" && job) {
            const run = /^\s*(?:- )?run:\s*(.*)$/.exec(text);
            if (!run) continue;
            if (run[1] === "|") block = indentOf(text);
            else workflow.jobs[job].push(run[1]);
        }
    }
    return workflow;
}

const WORKFLOW = join(REPO, "examples", "gitops", ".github", "workflows", "tokens.yml");
const pulumiLines = (workflow: Workflow, job: string) =>
    workflow.jobs[job].filter((l) => l.startsWith("pulumi "));

describe("end to end: examples/gitops, the pipeline's commands in order", function () {
    this.timeout(900_000);
    const ctx = useHarness({});
    const workflow = readWorkflow(WORKFLOW);
    let project: Project;

    before(async () => {
        project = new Project("gitops", ctx.h.env);
        await project.init();
    });
    after(async () => {
        await project?.run(["destroy", "--yes"], { allowFailure: true });
        project?.cleanup();
    });

    /** Runs one workflow line with bash as the runner would (pipefail), `pulumi` being our CLI. */
    function runLine(line: string): Promise<{ status: number; output: string }> {
        const env = {
            ...project.env,
            PATH: `${dirname(pulumiCli())}:${project.env.PATH}`,
            STACK: project.stack, // the workflow's stack is "prod"; each test run has its own
            POLICY_PACK: workflow.env.POLICY_PACK,
        };
        return new Promise((resolve) => {
            const child = spawn("bash", ["-e", "-o", "pipefail", "-c", line], { cwd: project.dir, env });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
            child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
            child.on("close", (code) => {
                hygiene.record(`gitops: ${line}`, output);
                resolve({ status: code ?? -1, output });
            });
        });
    }

    async function runJob(job: string): Promise<{ status: number; output: string }[]> {
        const results = [];
        for (const line of pulumiLines(workflow, job)) {
            const result = await runLine(line);
            assert.equal(result.status, 0, `${job}: ${line}\n${result.output}`);
            results.push(result);
        }
        return results;
    }

    it("the workflow holds the pipeline: preview with the pack on pull requests, up on merge, nightly up then drift gate", () => {
        assert.equal(workflow.env.POLICY_PACK, "node_modules/@isc-pat/pulumi-sailpoint-pat/policy");
        const shape = (job: string) =>
            pulumiLines(workflow, job).map((l) => l.split(" ").slice(0, 2).join(" "));
        assert.deepEqual(shape("preview"), ["pulumi preview"]);
        assert.match(
            pulumiLines(workflow, "preview")[0],
            /--policy-pack "\$POLICY_PACK" --diff .*\| tee preview\.txt$/,
        );
        assert.ok(
            workflow.jobs.preview.some((l) => /^gh pr comment "\$PR" --body-file comment\.md$/.test(l)),
        );
        assert.deepEqual(shape("up"), ["pulumi up"]);
        assert.deepEqual(shape("nightly"), ["pulumi up", "pulumi preview"]);
        assert.match(pulumiLines(workflow, "nightly")[1], /--refresh --expect-no-changes/);
        for (const job of ["preview", "up", "nightly"]) {
            for (const line of pulumiLines(workflow, job))
                assert.match(line, /--stack "\$STACK" --policy-pack "\$POLICY_PACK"/);
        }
    });

    it("pull request: the preview passes the policy pack and is saved for the comment", async () => {
        const [preview] = await runJob("preview");
        assert.match(preview.output, /\+ pulumi-nodejs:dynamic\/sailpoint:PersonalAccessToken: \(create\)/);
        const saved = join(project.dir, "preview.txt");
        assert.ok(existsSync(saved));
        assert.match(
            readFileSync(saved, "utf8"),
            /Policy Packs run:\s+Name\s+Version\s+sailpoint-pat-hygiene\|local\|/,
        );
        assert.doesNotMatch(preview.output, /\[(mandatory|advisory)\]/);
        assert.equal(ctx.h.emulator.tokens().length, 0);
    });

    it("merge: up creates the token", async () => {
        await runJob("up");
        assert.equal(ctx.h.emulator.tokens().length, 1);
        hygiene.secret(project.outputs(true).clientSecret as string);
    });

    it("nightly: the up rotates a token inside its window, then the drift gate is green", async () => {
        // Weeks pass: the token's expiry is 3 days away (brought forward at the emulator, recorded by a refresh).
        const [before] = ctx.h.emulator.tokens();
        ctx.h.emulator.patchToken(before.id, {
            expirationDate: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        });
        await project.run(["refresh", "--yes", "--skip-preview"]);

        const [up] = await runJob("nightly");
        assert.match(up.output, /inside the 7-day rotation window/);
        const after = ctx.h.emulator.tokens();
        assert.equal(after.length, 1);
        assert.notEqual(after[0].id, before.id, "a new token replaced the old one");
        hygiene.secret(project.outputs(true).clientSecret as string);
    });

    it("nightly: an out-of-band rename fails the drift gate", async () => {
        const [token] = ctx.h.emulator.tokens();
        ctx.h.emulator.patchToken(token.id, { name: "renamed-by-hand" });
        const gate = pulumiLines(workflow, "nightly")[1];
        const up = await runLine(pulumiLines(workflow, "nightly")[0]);
        assert.equal(up.status, 0, "the up decides from the state: nothing to do");
        const drift = await runLine(gate);
        assert.notEqual(drift.status, 0, drift.output);
        assert.match(drift.output, /renamed-by-hand/);
        assert.match(drift.output, /no changes were expected for preview but changes were proposed/);
    });
});

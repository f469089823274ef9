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
import { observe, Project, recordInvocation } from "../support/pulumi";
import { REPO, pulumiCli } from "../../scripts/pulumi-project";
import { DAY } from "../support/time";

interface Workflow {
    env: Record<string, string>;
    permissions: Record<string, string>;
    /** Each job's `run:` commands, one per line, in order. */
    jobs: Record<string, string[]>;
    /** Each job's own `env:` (job level, not a step's). */
    jobEnv: Record<string, Record<string, string>>;
    /** Each job's own `permissions:`. */
    jobPermissions: Record<string, Record<string, string>>;
}

/**
 * Reads the subset of GitHub Actions YAML the workflow uses: top-level env and permissions, jobs,
 * their job-level env and permissions, their run steps.
 */
function readWorkflow(path: string): Workflow {
    const lines = readFileSync(path, "utf8").split("\n");
    const workflow: Workflow = { env: {}, permissions: {}, jobs: {}, jobEnv: {}, jobPermissions: {} };
    let section = "";
    let child = 0; // the indentation of the current section's keys (env's variables, jobs' names)
    let job = "";
    let jobKeys = 0; // the indentation of the current job's keys (runs-on, env, steps)
    let jobMap: Record<string, string> | undefined; // the job's env or permissions, while inside it
    let block: number | undefined; // indentation of a `run: |` line, while inside its block
    const indentOf = (line: string) => line.length - line.trimStart().length;
    const keyValue = (line: string) => /^\s*([\w-]+):\s*(.*)$/.exec(line);
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
        const key = indentOf(text) === child ? keyValue(text) : null;
        if ((section === "env" || section === "permissions") && key) {
            workflow[section][key[1]] = key[2];
        } else if (section === "jobs" && key) {
            job = key[1];
            jobKeys = 0;
            jobMap = undefined;
            workflow.jobs[job] = [];
            workflow.jobEnv[job] = {};
            workflow.jobPermissions[job] = {};
        } else if (section === "jobs" && job) {
            jobKeys ||= indentOf(text);
            if (indentOf(text) === jobKeys) {
                const own = keyValue(text);
                jobMap =
                    own?.[1] === "env"
                        ? workflow.jobEnv[job]
                        : own?.[1] === "permissions"
                          ? workflow.jobPermissions[job]
                          : undefined;
                continue;
            }
            if (jobMap) {
                const entry = keyValue(text);
                if (entry) jobMap[entry[1]] = entry[2];
                continue;
            }
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
    after(() => project?.cleanup());

    /**
     * The environment a job's steps have: the workflow's and the job's own `env:`, with the local
     * stand-ins (the emulator's SAIL_* values, this run's stack); a variable the workflow declares
     * elsewhere (another job's credentials) is absent, as on the runner.
     */
    function jobEnvironment(job: string): Record<string, string> {
        const declared = new Set([
            ...Object.keys(workflow.env),
            ...Object.values(workflow.jobEnv).flatMap((e) => Object.keys(e)),
        ]);
        const local: Record<string, string | undefined> = {
            ...ctx.h.env,
            STACK: project.stack, // the workflow's stack is "prod"; each test run has its own
            POLICY_PACK: workflow.env.POLICY_PACK,
            PULUMI_ACCESS_TOKEN: undefined, // the local file backend stands for Pulumi Cloud
        };
        const env = Object.fromEntries(Object.entries(project.env).filter(([k]) => !declared.has(k)));
        for (const name of Object.keys({ ...workflow.env, ...workflow.jobEnv[job] })) {
            const value = local[name];
            if (value !== undefined) env[name] = value;
        }
        return { ...env, PATH: `${dirname(pulumiCli())}:${project.env.PATH}` };
    }

    /** Runs one workflow line of `job` with bash as the runner would (pipefail), `pulumi` being our CLI. */
    function runLine(job: string, line: string): Promise<{ status: number; output: string }> {
        const env = jobEnvironment(job);
        // The CLI's arguments as bash passes them (before any pipe; the variables' names stand for them).
        const words = line.split("|")[0].trim().split(/\s+/);
        if (words[0] === "pulumi") recordInvocation(words.slice(1).map((w) => w.replace(/^"|"$/g, "")));
        return new Promise((resolve, reject) => {
            const child = spawn("bash", ["-e", "-o", "pipefail", "-c", line], { cwd: project.dir, env });
            let output = "";
            child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
            child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
            child.on("close", (code) => {
                try {
                    observe(`gitops: ${line}`, output);
                    resolve({ status: code ?? -1, output });
                } catch (error) {
                    reject(error as Error);
                }
            });
        });
    }

    async function runJob(job: string): Promise<{ status: number; output: string }[]> {
        const results = [];
        for (const line of pulumiLines(workflow, job)) {
            const result = await runLine(job, line);
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

    it("only the jobs that call the API get the SailPoint credentials; only the preview may comment", () => {
        const sail = ["SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET"];
        const has = (env: Record<string, string>) => sail.filter((k) => k in env);
        assert.deepEqual(
            has(workflow.env),
            [],
            "not workflow-wide: the pull request's job runs the branch's program",
        );
        assert.deepEqual(has(workflow.jobEnv.preview), []);
        assert.deepEqual(has(workflow.jobEnv.up), sail);
        assert.deepEqual(has(workflow.jobEnv.nightly), sail);
        assert.equal(workflow.jobEnv.up.SAIL_CLIENT_SECRET, "${{ secrets.SAIL_CLIENT_SECRET }}");
        assert.deepEqual(workflow.permissions, { contents: "read" });
        assert.deepEqual(workflow.jobPermissions.preview, { contents: "read", "pull-requests": "write" });
        for (const job of ["up", "nightly"]) assert.deepEqual(workflow.jobPermissions[job], {}, job);
        assert.deepEqual(has(jobEnvironment("preview")), [], "the test runs the preview without them");
        assert.deepEqual(has(jobEnvironment("up")), sail);
    });

    it("pull request: the preview, without SailPoint credentials, passes the policy pack and is saved for the comment", async () => {
        const requests = ctx.h.emulator.requests.length;
        const [preview] = await runJob("preview");
        assert.equal(ctx.h.emulator.requests.length, requests, "the preview made no request to the API");
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
            expirationDate: new Date(Date.now() + 3 * DAY).toISOString(),
        });
        await project.run(["refresh", "--yes", "--skip-preview"]);

        // A pull request now: its preview plans the rotation from the state, still without the API.
        const requests = ctx.h.emulator.requests.length;
        const [preview] = await runJob("preview");
        assert.match(
            preview.output,
            /\+-\s*pulumi-nodejs:dynamic\/sailpoint:PersonalAccessToken: \(replace\)/,
        );
        assert.equal(ctx.h.emulator.requests.length, requests, "the preview made no request to the API");

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
        const up = await runLine("nightly", pulumiLines(workflow, "nightly")[0]);
        assert.equal(up.status, 0, "the up decides from the state: nothing to do");
        const drift = await runLine("nightly", gate);
        assert.notEqual(drift.status, 0, drift.output);
        assert.match(drift.output, /renamed-by-hand/);
        assert.match(drift.output, /no changes were expected for preview but changes were proposed/);
    });
});

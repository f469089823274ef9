// What the README says about the engine's own logging, checked under the real CLI: at the default
// verbosity no output shows a secret; `--debug` and `-v=9 --logtostderr` make the engine print the
// provider's gRPC traffic, secrets included, which no provider can prevent (never enable them in CI).
import assert from "node:assert/strict";
import { inDays, useHarness } from "../support/harness";
import { hygiene } from "../support/hygiene";
import { Project } from "../support/pulumi";
import { configKey } from "../../provider/isc-client/settings";

describe("end to end: the engine's verbose logging", function () {
    this.timeout(600_000);
    const ctx = useHarness({ perTest: true });

    it("default output masks the secrets; --debug and -v=9 --logtostderr print them", async () => {
        const project = new Project("e2e-program", {});
        try {
            await project.init(
                {
                    [configKey("dynamic", "baseUrl")]: ctx.h.emulator.baseUrl,
                    [configKey("dynamic", "clientId")]: ctx.h.clientId,
                },
                { [configKey("dynamic", "clientSecret")]: ctx.h.clientSecret },
            );
            await project.setConfig("token", { name: "verbose", expirationDate: inDays(30) });
            await project.run(["up", "--yes", "--skip-preview"]);
            const patSecret = project.outputs(true).clientSecret as string;
            hygiene.secret(patSecret);

            // The default verbosity: recorded for the suite-wide hygiene check like every other run.
            const plain = await project.run(["preview", "--diff"]);
            assert.ok(!plain.output.includes(patSecret) && !plain.output.includes(ctx.h.clientSecret));

            // Verbose runs are kept out of the hygiene log: they leak by the engine's design.
            const observer = Project.observer;
            Project.observer = () => undefined;
            try {
                const leaks: Record<string, string[]> = {};
                for (const flags of [["--debug"], ["-v=9", "--logtostderr"]]) {
                    const run = await project.run(["preview", ...flags]);
                    leaks[flags.join(" ")] = [
                        run.output.includes(patSecret) ? "PAT secret" : "",
                        run.output.includes(ctx.h.clientSecret) ? "client secret" : "",
                    ].filter(Boolean);
                }
                console.log(`      secrets printed by verbose previews: ${JSON.stringify(leaks)}`);
                // As the README says; if the engine stops printing them, the README must change.
                assert.ok(leaks["--debug"].includes("PAT secret"), "--debug prints the PAT secret");
                assert.deepEqual(leaks["-v=9 --logtostderr"], ["PAT secret", "client secret"]);
            } finally {
                Project.observer = observer;
            }
        } finally {
            project.cleanup();
        }
    });
});

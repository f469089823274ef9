// `npm run demo`, the README's first command after `npm ci`: the whole lifecycle of examples/basic under
// the real Pulumi CLI against the emulator, showing what the README says it shows.
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { pulumiCli, REPO } from "../../scripts/pulumi-project";
import { runRecorded } from "../support/bin";
import { recordInvocation } from "../support/pulumi";

describe("end to end: npm run demo", function () {
    this.timeout(900_000);

    it("creates the token, shows no change, renames it in place, refreshes and destroys it, leaving none", async () => {
        // The README's command itself: its build rewrites dist/ with what the suite built already.
        recordInvocation(["run", "demo"], "npm");
        const { code, output } = await runRecorded("npm", ["run", "demo"], {
            cwd: REPO,
            env: { ...process.env, PATH: `${dirname(pulumiCli())}:${process.env.PATH}` },
        });
        assert.equal(code, 0, output);
        for (const step of [
            /==> pulumi up: creates the token/,
            /\+ .*PersonalAccessToken.*ci-deploy.*created/,
            /clientSecret +\[secret\]/,
            /==> pulumi preview: nothing to change/,
            /same id after the rename: yes/,
            /==> pulumi refresh/,
            /tokens left at the emulator: 0/,
            /==> Done: create, no-change preview, in-place rename, refresh and destroy all behaved\./,
        ])
            assert.match(output, step);
    });
});

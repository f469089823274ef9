// Fixture of test/suite-checks.test.ts (not a test of its own): the file that knows the secrets.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { firstLines } from "../support/bin";
import { hygiene, observe } from "../support/hygiene";
import { CHILD_SECRET, meet, scenario, SECRET } from "./barrier";

describe("fixture: knows the secrets", () => {
    it("registers a secret, and starts an emulator in a child process when asked", async () => {
        await meet("knows", "prints");
        hygiene.secret(SECRET);
        observe("fixture: clean output", "nothing secret here");
        if (scenario !== "child-leak") return;
        // An emulator in a child process: the suite knows its client secret only through the file the
        // environment names (it is never registered in any worker).
        const child = spawn(
            process.execPath,
            [join(__dirname, "..", "..", "emulator", "cli.js"), "--port", "0"],
            {
                env: { ...process.env, SAIL_CLIENT_ID: "fixture-client", SAIL_CLIENT_SECRET: CHILD_SECRET },
                stdio: ["ignore", "pipe", "inherit"],
            },
        );
        const [url] = await firstLines(child.stdout, 1);
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        child.kill();
    });
});

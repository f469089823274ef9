// Fixture of test/suite-checks.test.ts (not a test of its own): the file that prints, in the other
// worker; its worker never learns the secrets, so only a check over every worker can catch the leak.
import { hygiene } from "../support/hygiene";
import { RECORD_ENV } from "../support/suite-record";
import { CHILD_SECRET, meet, scenario, SECRET } from "./barrier";

describe("fixture: prints", () => {
    it("prints what the scenario asks", async () => {
        await meet("prints", "knows");
        if (scenario === "leak") hygiene.record("fixture: a process's output", `the secret is ${SECRET}`);
        if (scenario === "child-leak") hygiene.record("fixture: a process's output", `it is ${CHILD_SECRET}`);
        // A worker that writes no record: the checks must not pass for lack of seeing it.
        if (scenario === "silent") delete process.env[RECORD_ENV];
        else hygiene.record("fixture: a process's output", "nothing secret here either");
    });
});

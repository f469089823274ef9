// `npm run demo`: the whole lifecycle of examples/basic under the real Pulumi CLI, against the
// emulator on a free loopback port, in a temporary backend; then everything is cleaned up.
import { randomBytes } from "node:crypto";
import { IscEmulator } from "../emulator";
import { Project, pulumiCli, removeInstalls } from "./pulumi-project";

function say(text: string): void {
    console.log(`\n==> ${text}`);
}

function show(text: string): void {
    console.log(
        text
            .trimEnd()
            .split("\n")
            .map((line) => `    ${line}`)
            .join("\n"),
    );
}

async function main(): Promise<void> {
    say("Finding or building the Pulumi CLI (the first build from Go modules takes several minutes)");
    console.log(`    ${pulumiCli()}`);

    const clientId = "demo-client";
    const clientSecret = randomBytes(24).toString("hex");
    const emulator = await IscEmulator.start({ clients: [{ clientId, clientSecret }] });
    say(
        `Started the ISC emulator at ${emulator.baseUrl} (client id ${clientId}; its secret stays in this process)`,
    );

    let project: Project | undefined;
    try {
        say("Installing examples/basic into a temporary folder, with this package from its packed tarball");
        project = new Project("basic", {
            SAIL_BASE_URL: emulator.baseUrl,
            SAIL_CLIENT_ID: clientId,
            SAIL_CLIENT_SECRET: clientSecret,
        });
        const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
        await project.init({ expirationDate: expiry });
        console.log(`    stack ${project.stack} on a local file backend; the token expires ${expiry}`);

        say("pulumi up: creates the token");
        show((await project.run(["up", "--yes"])).stdout);
        say("pulumi stack output: the client id, and the secret masked");
        show((await project.run(["stack", "output"])).stdout);
        const id = project.outputs().clientId;

        say("pulumi preview: nothing to change");
        show((await project.run(["preview", "--expect-no-changes"])).stdout);

        say('Renaming the token to "ci-deploy-renamed", then pulumi up: an update in place');
        await project.run(["config", "set", "tokenName", "ci-deploy-renamed"]);
        show((await project.run(["up", "--yes", "--diff"])).stdout);
        const sameId = project.outputs().clientId === id;
        console.log(`    same id after the rename: ${sameId ? "yes" : "NO"} (${String(id)})`);
        if (!sameId) throw new Error("the rename replaced the token instead of updating it");

        say("pulumi refresh: reads the token back from the API");
        show((await project.run(["refresh", "--yes", "--expect-no-changes"])).stdout);

        say("pulumi destroy: deletes the token");
        show((await project.run(["destroy", "--yes"])).stdout);
        const left = emulator.tokens().length;
        console.log(`    tokens left at the emulator: ${left}`);
        if (left !== 0) throw new Error(`${left} token(s) left behind`);
        await project.run(["stack", "rm", "--yes"]);
        say("Done: create, no-change preview, in-place rename, refresh and destroy all behaved.");
    } finally {
        project?.cleanup();
        removeInstalls();
        await emulator.stop();
    }
}

main().catch((error: unknown) => {
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});

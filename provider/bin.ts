#!/usr/bin/env node
// `isc-pat`, the package's command: `isc-pat emulator` starts the ISC emulator (for tests without a
// tenant), `isc-pat rotator` the Pulumi ESC rotator; everything else is `isc-pat audit`. The emulator
// and the rotator are loaded only when asked for.
import { main as audit } from "./audit/audit-cli";

const argv = process.argv.slice(2);
if (argv[0] === "emulator") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../emulator/cli") as typeof import("../emulator/cli")).run(argv.slice(1), "isc-pat emulator");
} else if (argv[0] === "rotator") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("./rotator/cli") as typeof import("./rotator/cli")).run(argv.slice(1));
} else {
    void audit(argv).then((code) => {
        if (code === 0 && argv.length === 1 && ["--help", "-h"].includes(argv[0]))
            process.stdout.write(
                "\nisc-pat emulator --help: the ISC emulator, to test a program without a tenant\n" +
                    "isc-pat rotator --help: the Pulumi ESC rotator (fn::rotate::external) for tokens\n",
            );
        process.exit(code);
    });
}

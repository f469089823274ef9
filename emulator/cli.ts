#!/usr/bin/env node
// Runs the emulator in the foreground until SIGINT/SIGTERM. Never prints the client secret, and
// takes it from a file or the environment so that it need not show in the process list.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FAULT_KINDS, IscEmulator, type FaultKind } from "./index";

const USAGE = `Usage: node dist/emulator/cli.js --port <port> [--client-id <id>] [--client-secret-file <path>]
         [--client-secret <secret>] [--latency-ms <ms>] [--no-rate-limit] [--bearer-lifetime-seconds <s>]
         [--fault-rate <0..1>] [--fault-kinds <${FAULT_KINDS.join(",")}>] [--fault-delay-ms <ms>]
         [--seed <n>]

The client id comes from --client-id or SAIL_CLIENT_ID; its secret from --client-secret-file (the
file's content, without a trailing newline) or SAIL_CLIENT_SECRET. --client-secret also works, but
every user of the machine can read it in the process list (ps).

Listens on 127.0.0.1 only. --port 0 picks a free port. Faults apply to the PAT API, not /oauth/token.
Default fault kinds: 429,500,503,reset-before,reset-after.`;

function fail(message: string): never {
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    process.exit(2);
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer >= ${min}`);
    return value;
}

/** The client secret: from one of the file, the flag or the environment (in that order). */
function secretFrom(file: string | undefined, flag: string | undefined): string | undefined {
    if (file !== undefined && flag !== undefined)
        fail("give --client-secret-file or --client-secret, not both");
    if (file !== undefined) {
        try {
            return readFileSync(file, "utf8").replace(/\r?\n$/, "");
        } catch (err) {
            fail(
                `--client-secret-file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
            );
        }
    }
    return flag ?? process.env.SAIL_CLIENT_SECRET;
}

async function main(): Promise<void> {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                port: { type: "string" },
                "client-id": { type: "string" },
                "client-secret": { type: "string" },
                "client-secret-file": { type: "string" },
                "latency-ms": { type: "string" },
                "no-rate-limit": { type: "boolean" },
                "bearer-lifetime-seconds": { type: "string" },
                "fault-rate": { type: "string" },
                "fault-kinds": { type: "string" },
                "fault-delay-ms": { type: "string" },
                seed: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (err) {
        fail((err as Error).message);
    }
    if (values.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    const clientId = values["client-id"] ?? process.env.SAIL_CLIENT_ID;
    const clientSecret = secretFrom(values["client-secret-file"], values["client-secret"]);
    if (values.port === undefined || !clientId || !clientSecret) {
        fail(
            "--port, a client id (--client-id or SAIL_CLIENT_ID) and its secret (--client-secret-file or SAIL_CLIENT_SECRET) are required",
        );
    }
    const port = integer("port", values.port, 0) ?? 0;
    if (port > 65535) fail("--port must be at most 65535");
    const faultRate = values["fault-rate"] === undefined ? 0 : Number(values["fault-rate"]);
    if (!(faultRate >= 0 && faultRate <= 1)) fail("--fault-rate must be a number from 0 to 1");
    const kinds = (values["fault-kinds"] ?? "429,500,503,reset-before,reset-after")
        .split(",")
        .map((k) => k.trim())
        .filter((k) => k !== "");
    for (const kind of kinds) {
        if (!FAULT_KINDS.includes(kind as FaultKind)) fail(`unknown fault kind ${kind}`);
    }

    const emulator = await IscEmulator.start({
        port,
        clients: [
            {
                clientId,
                clientSecret,
                identity: { id: "2c9180835d2e5168015d32f890ca1581", name: "Emulator Admin" },
            },
        ],
        latencyMs: integer("latency-ms", values["latency-ms"], 0),
        rateLimit: values["no-rate-limit"] ? false : undefined,
        bearerLifetimeSeconds: integer("bearer-lifetime-seconds", values["bearer-lifetime-seconds"], 1),
        seed: integer("seed", values.seed, 0),
    });
    if (faultRate > 0 && kinds.length > 0) {
        emulator.faults.add({
            kind: kinds as FaultKind[],
            probability: faultRate,
            delayMs: integer("fault-delay-ms", values["fault-delay-ms"], 0),
        });
    }
    process.stdout.write(
        `ISC emulator listening on ${emulator.baseUrl} (client id ${clientId}, seed ${emulator.seed})\n`,
    );

    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void emulator.stop().then(() => process.exit(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
    process.stderr.write(`ISC emulator failed to start: ${(err as Error).message}\n`);
    process.exit(1);
});

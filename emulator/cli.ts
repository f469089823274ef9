#!/usr/bin/env node
// Runs the emulator in the foreground until SIGINT/SIGTERM (`npm run emulator` in a clone, and
// `isc-pat emulator` from the installed package). Prints its base URL alone on the first line, for a
// script to read. Never prints the client secret, and takes it from a file or the environment so that
// it need not show in the process list.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FAULT_KINDS, IscEmulator, type FaultKind } from "./index";

const usage = (
    command: string,
): string => `Usage: ${command} --port <port> [--client-id <id>] [--client-secret-file <path>]
         [--client-secret <secret>] [--latency-ms <ms>] [--no-rate-limit] [--bearer-lifetime-seconds <s>]
         [--fault-rate <0..1>] [--fault-kinds <${FAULT_KINDS.join(",")}>] [--fault-delay-ms <ms>]
         [--seed <n>] [--max-tokens-per-owner <n>|off]

The client id comes from --client-id or SAIL_CLIENT_ID; its secret from --client-secret-file (the
file's content, without a trailing newline) or SAIL_CLIENT_SECRET. --client-secret also works, but
every user of the machine can read it in the process list (ps).

Listens on 127.0.0.1 only. --port 0 picks a free port. Faults apply to the PAT API, not /oauth/token.
Default fault kinds: 429,500,503,reset-before,reset-after.
Prints the base URL (http://127.0.0.1:<port>) alone on the first line of its output.`;

let command = "node dist/emulator/cli.js";

function fail(message: string): never {
    process.stderr.write(`${message}\n\n${usage(command)}\n`);
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

/** Starts the emulator from command-line arguments; `name` is the command the usage names. */
export async function main(argv: string[], name = command): Promise<void> {
    command = name;
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
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
                "max-tokens-per-owner": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (err) {
        fail((err as Error).message);
    }
    if (values.help) {
        process.stdout.write(`${usage(command)}\n`);
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
        maxTokensPerOwner:
            values["max-tokens-per-owner"] === "off"
                ? null
                : integer("max-tokens-per-owner", values["max-tokens-per-owner"], 1),
    });
    if (faultRate > 0 && kinds.length > 0) {
        emulator.faults.add({
            kind: kinds as FaultKind[],
            probability: faultRate,
            delayMs: integer("fault-delay-ms", values["fault-delay-ms"], 0),
        });
    }
    process.stdout.write(
        `${emulator.baseUrl}\nISC emulator listening on ${emulator.baseUrl} (client id ${clientId}, seed ${emulator.seed})\n`,
    );

    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        void emulator.stop().then(() => process.exit(0));
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // Started through a wrapper (npx) that is killed without passing the signal on: stop with it
    // rather than live on, orphaned, holding the port.
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop(), 500).unref();
}

export function run(argv: string[], name?: string): void {
    main(argv, name).catch((err: unknown) => {
        process.stderr.write(`ISC emulator failed to start: ${(err as Error).message}\n`);
        process.exit(1);
    });
}

if (require.main === module) run(process.argv.slice(2));

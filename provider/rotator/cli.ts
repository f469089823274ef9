// `isc-pat rotator`: the handler behind HTTPS (or plain HTTP on loopback, behind a TLS-terminating
// proxy, when asked for explicitly). Prints the URL it listens on alone on its first line.
import { readFileSync } from "node:fs";
import { createServer as createHttp, type Server } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { isLoopbackHost, resolveFromEnvironment } from "../isc-client/config";
import { scrub } from "../isc-client/redact";
import { rotatorHandler } from "./handler";
import { PULUMI_CLOUD_ISSUER, PULUMI_CLOUD_JWKS_URL } from "./verify";

export const ROTATOR_USAGE = `Usage: isc-pat rotator --public-url URL --allow-env ORG/ENV [--allow-env ...]
         (--tls-cert FILE --tls-key FILE | --plain-http-behind-proxy) [--port N] [--host H]
         [--jwks-url URL] [--issuer URL]

The adapter of Pulumi ESC's fn::rotate::external for SailPoint ISC personal access tokens.

Options and their defaults:
  --public-url URL           the https:// URL ESC calls (the environment's url); the JWT's aud must
                             equal it (required)
  --allow-env ORG/ENV        an environment (the JWT's current_env) allowed to rotate; repeat for more
                             (default: none, every request is refused)
  --tls-cert FILE            the PEM certificate (chain) to serve HTTPS with
  --tls-key FILE             its PEM private key
  --plain-http-behind-proxy  serve plain HTTP instead, on a loopback --host only, for a TLS-terminating
                             proxy in front (default: off)
  --port N                   the port (default: 8443; 0 picks a free one)
  --host H                   the address to listen on (default: 0.0.0.0 with TLS, 127.0.0.1 without)
  --jwks-url URL             the issuer's keys (default: ${PULUMI_CLOUD_JWKS_URL})
  --issuer URL               the JWT's iss (default: ${PULUMI_CLOUD_ISSUER})

The ISC credentials are the rotator's own: SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET.
Prints the URL it listens on alone on its first line; one scrubbed line per request on stderr.`;

class UsageError extends Error {}

function httpsUrl(text: string | undefined, flag: string, loopbackHttp: boolean): string {
    if (text === undefined) throw new UsageError(`${flag} is required`);
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw new UsageError(`${flag} ${JSON.stringify(text)} is not a URL`);
    }
    const ok =
        url.protocol === "https:" ||
        (loopbackHttp && url.protocol === "http:" && isLoopbackHost(url.hostname));
    if (!ok)
        throw new UsageError(
            `${flag} must be an https:// URL${loopbackHttp ? " (http:// only on a loopback host)" : ""}`,
        );
    return text;
}

/** Starts the rotator; resolves with the server once it listens. */
export async function start(argv: string[]): Promise<Server | undefined> {
    const { values } = parseArgs({
        args: argv,
        options: {
            "public-url": { type: "string" },
            "allow-env": { type: "string", multiple: true },
            "tls-cert": { type: "string" },
            "tls-key": { type: "string" },
            "plain-http-behind-proxy": { type: "boolean" },
            port: { type: "string" },
            host: { type: "string" },
            "jwks-url": { type: "string" },
            issuer: { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) {
        process.stdout.write(`${ROTATOR_USAGE}\n`);
        return undefined;
    }
    const plain = values["plain-http-behind-proxy"] === true;
    const tls = values["tls-cert"] !== undefined || values["tls-key"] !== undefined;
    if (plain === tls)
        throw new UsageError("give --tls-cert and --tls-key, or --plain-http-behind-proxy (one of the two)");
    if (tls && (values["tls-cert"] === undefined || values["tls-key"] === undefined))
        throw new UsageError("--tls-cert and --tls-key go together");
    const host = values.host ?? (plain ? "127.0.0.1" : "0.0.0.0");
    if (plain && !isLoopbackHost(host))
        throw new UsageError(
            `--plain-http-behind-proxy listens on a loopback host only (got --host ${host})`,
        );
    const port = Number(values.port ?? "8443");
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError("--port must be a port number");
    const allowEnvs = values["allow-env"] ?? [];
    for (const env of allowEnvs)
        if (!/^[^/\s]+\/[^/\s]+$/.test(env))
            throw new UsageError(`--allow-env ${env}: expected ORG/ENV, e.g. acme/prod`);
    // The ISC credentials are the rotator's own: checked now, not at the first rotation.
    const missing = ["SAIL_BASE_URL", "SAIL_CLIENT_ID", "SAIL_CLIENT_SECRET"].filter(
        (name) => !process.env[name]?.trim(),
    );
    if (missing.length > 0)
        throw new UsageError(
            `the ISC credentials come from the rotator's own environment: set ${missing.join(", ")}`,
        );
    resolveFromEnvironment(process.env);
    const handler = rotatorHandler({
        publicUrl: httpsUrl(values["public-url"], "--public-url", false),
        jwksUrl: httpsUrl(values["jwks-url"] ?? PULUMI_CLOUD_JWKS_URL, "--jwks-url", true),
        issuer: values.issuer ?? PULUMI_CLOUD_ISSUER,
        allowEnvs,
    });
    const serve = (req: Parameters<typeof handler>[0], res: Parameters<typeof handler>[1]) =>
        void handler(req, res);
    const server = plain
        ? createHttp(serve)
        : createHttps(
              { cert: readFileSync(values["tls-cert"]!), key: readFileSync(values["tls-key"]!) },
              serve,
          );
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
    process.stdout.write(`${plain ? "http" : "https"}://${shown}:${address.port}\n`);
    if (allowEnvs.length === 0)
        process.stderr.write("isc-pat rotator: no --allow-env given: every request is refused (403)\n");
    // A stop lets running rotations finish (their answers are sent), then exits.
    const stop = () => {
        server.close();
        server.closeIdleConnections();
        void handler.settled().then(() => process.exit(0));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    return server;
}

/** `isc-pat rotator ...`: exit 2 on a usage error, with the usage. */
export function run(argv: string[]): void {
    start(argv).catch((error: Error) => {
        const usage =
            error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
        process.stderr.write(
            `isc-pat rotator: ${scrub(error.message)}${usage ? `\n\n${ROTATOR_USAGE}` : ""}\n`,
        );
        process.exit(2);
    });
}

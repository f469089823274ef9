// The rotator's request handler, to mount in any Node HTTP(S) server or serverless adapter: the body
// read up to a bound, the JWT verified against it before anything else, then the rotation. The client
// secret goes only into a 200 answer's body; every other answer, and every log line, is scrubbed.
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientFor } from "../isc-client/client";
import { resolveFromEnvironment, type Environment } from "../isc-client/config";
import { IscApiError, ConfigurationError } from "../isc-client/errors";
import type { PacingLimits } from "../isc-client/pacing";
import { printable, registerSecret, scrub } from "../isc-client/redact";
import type { RetryPolicy } from "../isc-client/retry";
import { systemNow } from "../rules/clock";
import { BadRequest, parseBody } from "./request";
import { RotationError, Rotations } from "./rotate";
import { EscVerifier, Refusal, type VerifierOptions } from "./verify";

/** The largest body accepted: a request object and a previous answer are well under 2 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface RotatorOptions extends VerifierOptions {
    /** Where SAIL_BASE_URL, SAIL_CLIENT_ID and SAIL_CLIENT_SECRET come from; default process.env. */
    env?: () => Environment;
    /** The clock of every decision; default the system's. */
    now?: () => Date;
    /** One line per request, scrubbed; default stderr. */
    log?: (line: string) => void;
    retryPolicy?: RetryPolicy;
    rateLimit?: PacingLimits;
}

export type RotatorHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
    /** Resolves when no rotation is running (an answer may be lost while its rotation goes on). */
    settled(): Promise<void>;
};

/** The handler ESC's `fn::rotate::external` calls (POST, JSON, `Authorization: Bearer <JWT>`). */
export function rotatorHandler(options: RotatorOptions): RotatorHandler {
    const verifier = new EscVerifier(options);
    const rotations = new Rotations();
    const now = options.now ?? systemNow;
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        let env = "-";
        const answer = (status: number, body: unknown, said: string) => {
            log(printable(scrub(`isc-pat rotator: ${status} ${env}: ${said}`)));
            if (res.headersSent || res.destroyed) return;
            res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
            res.end(JSON.stringify(body));
        };
        const refuse = (status: number, reason: string) => answer(status, { error: scrub(reason) }, reason);
        try {
            if (req.method !== "POST") return refuse(405, "only POST is served");
            if (!/^Bearer /.test(req.headers.authorization ?? ""))
                return refuse(401, "missing bearer token (Authorization: Bearer <JWT>)");
            const raw = await readBody(req);
            if (raw === undefined) return refuse(400, `the body is larger than ${MAX_BODY_BYTES} bytes`);
            const claims = await verifier.verify(req.headers.authorization, raw, now());
            env = printable(claims.currentEnv);
            let json: unknown;
            try {
                json = JSON.parse(raw.toString("utf8"));
            } catch {
                return refuse(400, "the body is not JSON");
            }
            const parsed = parseBody(json, now());
            registerSecret(parsed.stateSecret);
            const client = clientFor(
                // The rotator's own environment only (SAIL_*), as the audit reads it without a stack.
                resolveFromEnvironment((options.env ?? (() => process.env))()),
                options.retryPolicy,
                options.rateLimit,
            );
            const rotated = await rotations.rotate(client, claims.currentEnv, parsed, now);
            answer(
                200,
                rotated,
                `rotated ${rotated.tokenName} (token ${rotated.tokenId})${rotated.notes ? `; ${rotated.notes.join("; ")}` : ""}`,
            );
        } catch (error) {
            if (error instanceof Refusal) return refuse(error.status, error.message);
            if (error instanceof BadRequest)
                return answer(
                    400,
                    {
                        error: scrub(error.message),
                        failures: error.failures.map((f) => ({
                            property: scrub(f.property),
                            reason: scrub(f.reason),
                        })),
                    },
                    error.message,
                );
            if (error instanceof RotationError) return refuse(error.status, error.message);
            if (error instanceof ConfigurationError)
                return refuse(500, `the rotator's own settings: ${error.message}`);
            if (error instanceof IscApiError) return refuse(502, error.message);
            return refuse(500, (error as Error).message ?? String(error));
        }
    };
    return Object.assign(handler, { settled: () => rotations.settled() });
}

/** The raw bytes of the body, or undefined past MAX_BODY_BYTES (the rest is not read). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) return undefined;
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
}

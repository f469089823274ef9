// Hostile answers: the request is processed as usual, then its successful answer is broken in a
// way a real server, proxy or network has been seen to break one. For the client's boundary
// checks: a null entry in a list, a 200 with an empty body, a record missing fields or with the
// wrong types, a body trickled byte by byte, a body far larger than any list.
import type { ServerResponse } from "node:http";
import type { Reply } from "./errors";

export type AnswerFaultKind = "null-entry" | "empty-200" | "malformed-record" | "slow-body" | "huge-body";

export const ANSWER_FAULT_KINDS: readonly AnswerFaultKind[] = [
    "null-entry",
    "empty-200",
    "malformed-record",
    "slow-body",
    "huge-body",
];

/** Default size of a huge-body answer: 64 MiB, twice the provider's limit. */
export const DEFAULT_HUGE_BODY_BYTES = 64 * 1024 * 1024;

export interface AnswerFault {
    kind: AnswerFaultKind;
    /** slow-body: the time over which the body is trickled. */
    delayMs: number;
    /** huge-body: how many bytes the body has. */
    bytes: number;
}

export function isAnswerFault(kind: string): kind is AnswerFaultKind {
    return (ANSWER_FAULT_KINDS as readonly string[]).includes(kind);
}

/**
 * Sends the broken answer. Only a success (2xx) is broken; an error answer goes out as it is
 * (returns false, for the caller's ordinary send). `sleep` is the server's, cut short on stop.
 */
export async function sendHostile(
    res: ServerResponse,
    reply: Reply,
    fault: AnswerFault,
    sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
    if (reply.status < 200 || reply.status > 299) return false;
    const headers = { ...reply.headers, "Content-Type": "application/json;charset=utf-8" };
    switch (fault.kind) {
        case "empty-200":
            res.writeHead(200, { ...headers, "Content-Length": 0 }).end();
            return true;
        case "null-entry":
        case "malformed-record": {
            const json = JSON.stringify(broken(fault.kind, reply.body));
            res.writeHead(reply.status, { ...headers, "Content-Length": Buffer.byteLength(json) }).end(json);
            return true;
        }
        case "slow-body": {
            const json = Buffer.from(reply.body === undefined ? "" : JSON.stringify(reply.body));
            res.writeHead(reply.status, { ...headers, "Content-Length": json.length });
            const ticks = Math.max(1, Math.min(json.length, Math.floor(fault.delayMs / 10)));
            const size = Math.ceil(json.length / ticks);
            for (let at = 0; at < json.length && !res.destroyed; at += size) {
                await sleep(fault.delayMs / ticks);
                res.write(json.subarray(at, at + size));
            }
            res.end();
            return true;
        }
        case "huge-body":
            await sendHuge(res, headers, fault.bytes);
            return true;
    }
}

/** The answer's body, broken: a null among a list's entries, or a record with wrong fields. */
function broken(kind: "null-entry" | "malformed-record", body: unknown): unknown {
    if (kind === "null-entry") return Array.isArray(body) ? [null, ...body] : null;
    const spoil = (record: unknown) => {
        const copy = { ...(record as Record<string, unknown>) };
        delete copy.owner;
        copy.created = 1_700_000_000;
        copy.scope = "sp:scopes:all";
        return copy;
    };
    if (Array.isArray(body))
        return body.length > 0 ? [spoil(body[0]), ...body.slice(1)] : [spoil({ id: "x" })];
    return spoil(body);
}

/** A valid JSON array of `bytes` bytes, without Content-Length, written as the client reads it. */
async function sendHuge(res: ServerResponse, headers: Record<string, string>, bytes: number): Promise<void> {
    res.writeHead(200, headers);
    const entry = JSON.stringify({ id: "f".repeat(32), name: "filler", padding: "x".repeat(400) });
    const chunk = Buffer.from(`${Array.from({ length: 128 }, () => entry).join(",")},`);
    let sent = 1;
    res.write("[");
    while (sent + chunk.length + 2 < bytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) {
            await new Promise<void>((resolve) => {
                const done = () => {
                    res.off("drain", done).off("close", done);
                    resolve();
                };
                res.on("drain", done).on("close", done);
            });
        }
    }
    if (!res.destroyed) res.end("0]");
}

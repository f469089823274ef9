// One rotation: keep the state's current generation (it becomes `previous`), delete the one before it
// and any token a lost attempt made, then make the new generation with the exactly-once create. The
// deletes come first, so that at most two generations exist at any instant (and the owner's token
// limit has room). Rotations of one token are serialized in this process, and the answer of each is
// remembered for an hour against the state it started from: ESC's retry after a lost answer gets the
// same answer, not a third generation.
import { createHash } from "node:crypto";
import type { TokenRecord } from "../../wire/api-types";
import { createExactlyOnce } from "../create/exactly-once";
import type { IscPatClient } from "../isc-client/client";
import { IscApiError } from "../isc-client/errors";
import { registerSecret } from "../isc-client/redact";
import { instantMs } from "../rules/dates";
import { judgeSameNamed } from "../rules/lost-create";
import { baseOf, createBody, type GenerationRef, type ParsedBody, type RotationAnswer } from "./request";

/** How long an answer is kept for a retry of the same rotation. */
const ANSWER_TTL_MS = 60 * 60_000;
/** How long a rotation's successor is remembered (to recognise a stale state). */
const SUCCESSOR_TTL_MS = 7 * 86_400_000;

/** A rotation that cannot be made; its status and message go to ESC (the message is scrubbed). */
export class RotationError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

interface Remembered {
    answer: RotationAnswer;
    until: number;
}

export class Rotations {
    private readonly queues = new Map<string, Promise<unknown>>();
    private readonly answers = new Map<string, Remembered>();
    /** token id → the id of the generation a rotation from it made. */
    private readonly successors = new Map<string, { tokenId: string; until: number }>();
    private readonly running = new Set<Promise<unknown>>();

    /** Runs the rotation after any other of the same token in this process. */
    rotate(client: IscPatClient, env: string, body: ParsedBody, now: () => Date): Promise<RotationAnswer> {
        // Every API version lists the same tokens: one queue per tenant and base name.
        const key = `${client.settings.baseUrl} ${body.request.name}`;
        const before = this.queues.get(key) ?? Promise.resolve();
        const run = before.then(
            () => this.once(client, env, body, now()),
            () => this.once(client, env, body, now()),
        );
        this.queues.set(key, run);
        this.running.add(run);
        const settle = () => {
            this.running.delete(run);
            if (this.queues.get(key) === run) this.queues.delete(key);
        };
        run.then(settle, settle);
        return run;
    }

    /** Resolves when no rotation is running (tests, and a graceful stop). */
    async settled(): Promise<void> {
        while (this.running.size > 0) await Promise.allSettled([...this.running]);
    }

    private async once(
        client: IscPatClient,
        env: string,
        body: ParsedBody,
        now: Date,
    ): Promise<RotationAnswer> {
        const { request, state } = body;
        this.forget(now.getTime());
        const attempt = digest(env, body);
        const remembered = this.answers.get(attempt);
        const tokens = await client.list(request.apiVersion, { ownerId: "me" });
        const byId = new Map(tokens.map((t) => [t.id, t]));
        // A retry of a rotation whose answer was lost: the same answer, while its token exists.
        if (remembered && byId.has(remembered.answer.tokenId)) return remembered.answer;

        const notes: string[] = [];
        const current = state ? byId.get(state.tokenId) : undefined;
        const older = state?.previous ? byId.get(state.previous.tokenId) : undefined;
        const successor = state ? this.successors.get(state.tokenId) : undefined;
        if (successor && this.successors.has(successor.tokenId)) {
            throw new RotationError(
                409,
                `the state is stale: token ${state!.tokenId} was rotated twice since by this rotator (to ${successor.tokenId}, then ${this.successors.get(successor.tokenId)!.tokenId}); nothing was done. ESC sends the newest state on its next rotation`,
            );
        }
        const doomed: TokenRecord[] = [];
        if (state?.previous && older) {
            if (baseOf(older.name) === request.name) doomed.push(older);
            else
                notes.push(
                    `the generation before the previous one (token ${older.id}, named ${JSON.stringify(older.name)}) is not named as a generation of ${JSON.stringify(request.name)}: it was left alone`,
                );
        }
        if (state && !current)
            notes.push(
                `the previous generation (token ${state.tokenId}, ${JSON.stringify(state.tokenName)}) no longer exists: a new generation was made, with no previous one`,
            );
        // Tokens a lost attempt from this state made: this process's own successor, or (after a restart)
        // any generation newer than the current one that this rotator can prove it made.
        if (successor && byId.has(successor.tokenId)) {
            doomed.push(byId.get(successor.tokenId)!);
            notes.push(
                `token ${successor.tokenId}, made by an earlier attempt of this rotation, was deleted`,
            );
        } else if (state) {
            const since = current ? instantMs(current.created) : instantMs(state.rotatedAt ?? "");
            for (const t of tokens) {
                if (
                    t.id === state.tokenId ||
                    t.id === state.previous?.tokenId ||
                    baseOf(t.name) !== request.name
                )
                    continue;
                const probe = { ...createBody(request, now), name: t.name, expirationDate: t.expirationDate };
                const [judged] = judgeSameNamed(
                    [t],
                    probe,
                    request.apiVersion,
                    Number.isFinite(since) ? since + 1 : undefined,
                );
                if (judged?.ours) {
                    doomed.push(t);
                    notes.push(
                        `token ${t.id} (${JSON.stringify(t.name)}), made by an attempt whose answer was lost, was deleted`,
                    );
                }
            }
        }
        for (const t of doomed) await client.delete(request.apiVersion, t.id);

        const made = await this.create(client, body, now);
        const previous: GenerationRef | null = current
            ? { tokenId: current.id, tokenName: current.name }
            : null;
        const answer: RotationAnswer = {
            clientId: made.id,
            clientSecret: made.secret,
            tokenId: made.id,
            tokenName: made.name,
            expiresAt: made.expirationDate ?? createBody(request, now).expirationDate!,
            rotatedAt: now.toISOString(),
            apiVersion: request.apiVersion,
            previous,
            ...(notes.length > 0 ? { notes } : {}),
        };
        this.answers.set(attempt, { answer, until: now.getTime() + ANSWER_TTL_MS });
        if (state)
            this.successors.set(state.tokenId, { tokenId: made.id, until: now.getTime() + SUCCESSOR_TTL_MS });
        return answer;
    }

    private async create(client: IscPatClient, body: ParsedBody, now: Date) {
        const { request } = body;
        try {
            const made = await createExactlyOnce(
                client,
                { inputs: { name: request.name, apiVersion: request.apiVersion } },
                createBody(request, now),
                false, // to the millisecond, not random: listed first (rules/lost-create.ts)
            );
            registerSecret(made.secret);
            return made;
        } catch (error) {
            if (
                error instanceof IscApiError &&
                error.status === 400 &&
                /as many personal access tokens/.test(error.message)
            )
                throw new RotationError(
                    409,
                    `${error.message}. For the rotator: the generations it keeps count too (two per request name); nothing was deleted but the generation before the previous one`,
                );
            throw error;
        }
    }

    private forget(nowMs: number): void {
        for (const [k, v] of this.answers) if (v.until < nowMs) this.answers.delete(k);
        for (const [k, v] of this.successors) if (v.until < nowMs) this.successors.delete(k);
    }
}

/** The same rotation: the same environment, request and state (the JWT differs on each retry). */
function digest(env: string, body: ParsedBody): string {
    return createHash("sha256")
        .update(JSON.stringify([env, body.request, body.state]))
        .digest("hex");
}

// The create whose answer may be lost: one POST, and when its outcome is unknown, finding out from
// the owner's tokens what it made (the decisions are rules/lost-create.ts). Door-independent: the
// dynamic provider's create and adoption's replace both post through it.
import type { ApiVersion, CreateTokenRequest, CreatedTokenRecord, TokenRecord } from "../../wire/api-types";
import type { IscPatClient } from "../isc-client/client";
import { AmbiguousOutcomeError, IscApiError, TokenInitializationError } from "../isc-client/errors";
import { scrub } from "../isc-client/redact";
import {
    exhaustedMessage,
    foreignTokenMessage,
    judgeSameNamed,
    unverifiedMessage,
} from "../rules/lost-create";
import { outputsFrom } from "../rules/outputs";
import type { CheckedInputs } from "../rules/types";

/** How many times a create whose outcome was lost is tried again. */
const CREATE_ROUNDS = 3;
/** How many lists (each with the transport's retries) may find out what a lost create made. */
const LOSS_LISTS = 3;
/** A create's checked inputs. */
export interface Declared {
    inputs: CheckedInputs;
}

/**
 * One POST; when its outcome is lost (connection reset after sending, timeout, 5xx, a 200 that
 * is not the token), find out whether the token was made. A token this provider can prove it
 * made (see rules/lost-create.ts) has a secret that can never be known: it is deleted and the create
 * is made again. Ends with one live token whose secret we hold, or an error that says what is
 * at the API; a token the provider cannot prove it made is never deleted.
 *
 * `freshName`: the name has a random part no other client knows (a rotating generation's, an
 * interim name), so no token had it before. Any other name is first looked up in one list of the
 * owner's tokens: a token listed before the POST is never this create's, whatever its `created`
 * says (the Date header bounds the attempt's start only to about a second).
 */
export async function createExactlyOnce(
    client: IscPatClient,
    declared: Declared,
    body: CreateTokenRequest,
    freshName: boolean,
): Promise<CreatedTokenRecord> {
    const version = declared.inputs.apiVersion;
    // The attempt begins before the list: a token made while it is taken is in it, or after it.
    const startedAtLocalMs = Date.now();
    const listedBefore = freshName ? new Set<string>() : await idsBefore(client, version, body.name);
    const deleted: TokenRecord[] = [];
    for (let round = 1; ; round++) {
        let cause: Error;
        try {
            return await client.create(version, body);
        } catch (error) {
            // After a lost create, a refusal may be the name clash with the lost one's token,
            // which the API may have made only after we looked: look again.
            const afterLoss = round > 1 && error instanceof IscApiError && error.status === 400;
            if (!(error instanceof AmbiguousOutcomeError) && !afterLoss) throw error;
            cause = error as Error;
        }
        const tokens = await listAfterLoss(client, version, body.name, cause, startedAtLocalMs);
        const listedAtServerMs = client.serverClock.serverTimeAtLeast(Date.now());
        const startedAtServerMs = client.serverClock.serverTimeAtLeast(startedAtLocalMs);
        const judged = judgeSameNamed(tokens, body, version, startedAtServerMs, listedBefore);
        const foreign = judged.find((j) => !j.ours);
        if (foreign) throw new Error(scrub(foreignTokenMessage(cause.message, version, foreign)));
        for (const { token } of judged) {
            await deleteUnknowable(client, declared, token);
            deleted.push(token);
        }
        if (round >= CREATE_ROUNDS) {
            throw new Error(scrub(exhaustedMessage(cause.message, round, deleted, listedAtServerMs)));
        }
    }
}

/**
 * The ids of the owner's tokens of `name` before the first POST, from a list still awaited or new
 * (concurrent creates share one: a big up does not double its requests). Nothing is made when it fails.
 */
async function idsBefore(client: IscPatClient, version: ApiVersion, name: string): Promise<Set<string>> {
    try {
        const tokens = await client.listShared(version, "me", 0);
        return new Set([...tokens.values()].filter((t) => t.name === name).map((t) => t.id));
    } catch (error) {
        (error as Error).message =
            `${(error as Error).message} (listing the owner's tokens before creating "${name}", so that a lost answer could never be mistaken for another's token: nothing was made; run pulumi up again)`;
        throw error;
    }
}

/** The owner's tokens after a lost create; the list is tried again before giving up. */
async function listAfterLoss(
    client: IscPatClient,
    version: ApiVersion,
    name: string,
    cause: Error,
    startedAtLocalMs: number,
): Promise<TokenRecord[]> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await client.list(version, { ownerId: "me" });
        } catch (error) {
            if (attempt >= LOSS_LISTS) {
                const since = client.serverClock.serverTimeAtLeast(startedAtLocalMs);
                throw new Error(
                    scrub(
                        unverifiedMessage(
                            cause.message,
                            (error as Error).message,
                            version,
                            name,
                            since,
                            startedAtLocalMs,
                        ),
                    ),
                );
            }
        }
    }
}

async function deleteUnknowable(client: IscPatClient, declared: Declared, token: TokenRecord): Promise<void> {
    const { inputs } = declared;
    try {
        await client.delete(inputs.apiVersion, token.id);
    } catch (error) {
        // The engine records these as the resource's outputs (the dynamic door adds its serialized provider).
        const properties = outputsFrom(token, inputs, "");
        const message = scrub(
            `Token "${token.name}" (id ${token.id}, created ${token.created}) was created but its secret was lost in transit, and deleting it failed: ${(error as Error).message}. It is kept in the state without a secret; the next pulumi up replaces it (or pulumi destroy deletes it)`,
        );
        // The engine shows the reasons, not the message: both say it all.
        throw new TokenInitializationError(message, token.id, properties, [message]);
    }
}

// A replacement that keeps the token's name, without a moment in which no token works: names are
// unique per owner, so the old token first moves to an interim name (a rename does not touch its
// credentials), the new token is made under the declared name, and the engine deletes the old one
// at the end of the same up, after the resources that use the secret have the new one. Every
// step's failure leaves the state true about the new token: delete stays one DELETE, and a failed
// one is a plain pending delete that the next up (or destroy) finishes.
import { IscApiError, TokenInitializationError } from "../isc-client/errors";
import type { IscPatClient } from "../isc-client/client";
import type { CheckedInputs } from "../rules/types";
import { itemPath } from "../rules/versions";
import { interimName, type CreateOutcome } from "./adopt";

/**
 * Which creates are same-name replacements: diff, which the engine calls before create in the
 * same process, notes the old token's id; the create of that name takes it.
 */
export class SameNameReplacements {
    private readonly pending = new Map<string, string>();

    /** After diff: `oldId`'s resource is replaced keeping its name (`movesOldAside`), or not. */
    note(oldId: string, news: CheckedInputs, movesOldAside: boolean): void {
        if (movesOldAside) this.pending.set(handoffKey(news), oldId);
        else if (this.pending.get(handoffKey(news)) === oldId) this.pending.delete(handoffKey(news));
    }

    /** In create: the id of the token this create replaces keeping its name, if it is one. */
    take(inputs: CheckedInputs): string | undefined {
        const oldId = this.pending.get(handoffKey(inputs));
        this.pending.delete(handoffKey(inputs));
        return oldId;
    }
}

/**
 * What a create shares with the diff before it in the same process: the declared name and version
 * (the engine hands create only the inputs). Used by every such handoff (lifecycle/overlap.ts too).
 */
export function handoffKey(inputs: CheckedInputs): string {
    return `${String(inputs.apiVersion)} ${String(inputs.name)}`;
}

/**
 * Moves token `oldId` to an interim name, then `make`s the new one under the declared name. If
 * that fails, the old token gets its name back; nothing else changed. A 404 on the move: the old
 * token is gone already (deleted out of band), so the name is free.
 */
export async function replaceKeepingName(
    client: IscPatClient,
    inputs: CheckedInputs,
    oldId: string,
    make: () => Promise<CreateOutcome>,
): Promise<CreateOutcome> {
    const version = inputs.apiVersion;
    const aside = interimName(inputs.name);
    const rename = (name: string) =>
        client.patch(version, oldId, [{ op: "replace", path: "/name", value: name }]);
    let moved = true;
    try {
        await rename(aside);
    } catch (error) {
        if (!(error instanceof IscApiError && error.status === 404)) {
            throw new Error(
                `Replacing token ${oldId} under the same name ${JSON.stringify(inputs.name)}: moving it to the interim name ${JSON.stringify(aside)} failed, so no new token was made and the old one works as before: ${(error as Error).message}. Run pulumi up again`,
            );
        }
        moved = false;
    }
    try {
        return await make();
    } catch (error) {
        // A token made without its secret holds the declared name now: the state records it, and
        // the next up replaces it; the old one stays aside until the engine deletes it.
        if (!moved || error instanceof TokenInitializationError) throw error;
        let undone = `token ${oldId} has its name ${JSON.stringify(inputs.name)} back and works as before`;
        try {
            await rename(inputs.name);
        } catch (back) {
            undone = `naming token ${oldId} back failed too (${(back as Error).message}): it works, under the name ${JSON.stringify(aside)}; the next pulumi up finishes the replacement (or rename it: PATCH /${itemPath(version, oldId)})`;
        }
        (error as Error).message =
            `${(error as Error).message} (the replacement of token ${oldId} under the same name made no new token; ${undone})`;
        throw error;
    }
}

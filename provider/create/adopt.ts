// Brownfield adoption and name conflicts at creation: taking over a token that already exists
// (adoptTokenId, onNameConflict "adopt") instead of POSTing, and what create does when the declared
// name is taken. Nothing is taken over or deleted without the program's opt-in.
import type { JsonPatchReplace, TokenRecord } from "../../wire/api-types";
import type { IscPatClient } from "../isc-client/client";
import { AmbiguousOutcomeError, IscApiError } from "../isc-client/errors";
import { hasPassed } from "../rules/dates";
import { createRequestFrom, outputsFrom } from "../rules/outputs";
import { createExactlyOnce, type Declared } from "./exactly-once";
import { planDiff, planPatch } from "../rules/plan";
import { scrub } from "../isc-client/redact";
import { rotationExpiry } from "../rules/rotation";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { collectionPath, hasModernExpiry, itemPath } from "../rules/versions";

export interface CreateOutcome {
    id: string;
    outs: TokenOutputs;
}

/** A token could not be adopted, or the declared name is taken: nothing was changed. */
export class AdoptionError extends Error {
    constructor(message: string) {
        super(scrub(message));
        this.name = "AdoptionError";
    }
}

/**
 * create(): adopt the token named by adoptTokenId, else post it (createExactlyOnce); when the API
 * refuses it and the owner has a token of the declared name, apply onNameConflict.
 */
export async function createOrAdopt(
    client: IscPatClient,
    declared: Declared,
    now: Date,
    adoptionsDone: ReadonlySet<string>,
): Promise<CreateOutcome> {
    const { inputs } = declared;
    const version = inputs.apiVersion;
    const post = async (): Promise<CreateOutcome> => {
        const record = await createExactlyOnce(client, declared, createRequestFrom(inputs, now));
        return { id: record.id, outs: outputsFrom(record, inputs, record.secret) };
    };
    // The engine re-checks a replaced resource as if new: its adoptTokenId was used up at its creation.
    if (inputs.adoptTokenId !== undefined && !adoptionsDone.has(inputs.adoptTokenId)) {
        const own = await client.list(version, { ownerId: "me" });
        const record = own.find((t) => t.id === inputs.adoptTokenId);
        if (!record) {
            throw new AdoptionError(
                `adoptTokenId ${JSON.stringify(inputs.adoptTokenId)}: the API client's identity has no token with this id (GET /${collectionPath(version)}?owner-id=me lists ${own.length}). Only a token of that identity can be adopted: check the id (\`npx isc-pat audit\` lists them), or remove adoptTokenId to make a new token`,
            );
        }
        return adopt(client, inputs, record, now);
    }
    try {
        return await post();
    } catch (error) {
        // A rotating token's name carries its creation time: a clash is not this resource's business.
        if (!isRefusal(error) || inputs.rotation) throw error;
        const clash = (await client.list(version, { ownerId: "me" })).find((t) => t.name === inputs.name);
        if (!clash) throw error;
        const policy = inputs.onNameConflict ?? "fail";
        if (policy === "fail") throw new AdoptionError(nameConflictMessage(clash, inputs, error as Error));
        if (clash.managed) {
            throw new AdoptionError(
                `${describeToken(clash)} is managed by the platform (e.g. made by a Workflow): onNameConflict "${policy}" never touches such a token. Give this resource another name`,
            );
        }
        if (policy === "adopt") return adopt(client, inputs, clash, now);
        await client.delete(version, clash.id);
        return post();
    }
}

/** Takes `record` over: PATCH what differs from the declaration, keep its id; its secret stays unknown. */
async function adopt(
    client: IscPatClient,
    inputs: CheckedInputs,
    record: TokenRecord,
    now: Date,
): Promise<CreateOutcome> {
    const operations = adoptionPatch(record, inputs, now);
    const after =
        operations.length > 0 ? await client.patch(inputs.apiVersion, record.id, operations) : record;
    return { id: record.id, outs: { ...outputsFrom(after, inputs, ""), adoptTokenId: record.id } };
}

/**
 * The JSON Patch that makes `record` what `inputs` declare, or an error when a declared property
 * cannot change in place (adopting must not replace: someone uses that token). Pure.
 */
export function adoptionPatch(record: TokenRecord, inputs: CheckedInputs, now: Date): JsonPatchReplace[] {
    if (record.expirationDate != null && hasPassed(record.expirationDate, now)) {
        throw new AdoptionError(
            `${describeToken(record)} expired on ${record.expirationDate}, so it cannot be adopted: delete it (DELETE /${itemPath(inputs.apiVersion, record.id)}) and let this resource make a new one${inputs.adoptTokenId === undefined ? ' (onNameConflict: "replace" does both)' : " (remove adoptTokenId)"}`,
        );
    }
    if (record.managed) {
        throw new AdoptionError(
            `${describeToken(record)} is managed by the platform (e.g. made by a Workflow) and cannot be adopted`,
        );
    }
    const ops: JsonPatchReplace[] = [];
    let current = record;
    // Rotation owns the expiry: an adopted token expires at most expiresInDays from now, then rotates.
    if (inputs.rotation && hasModernExpiry(inputs.apiVersion)) {
        const target = rotationExpiry(inputs.rotation, now);
        if (current.expirationDate == null || Date.parse(current.expirationDate) > Date.parse(target)) {
            ops.push({ op: "replace", path: "/expirationDate", value: target });
            current = { ...current, expirationDate: target };
        }
    }
    const olds = { ...outputsFrom(current, inputs, ""), adoptTokenId: record.id };
    const plan = planDiff(olds, inputs, now);
    // A rotation that falls due is the next up's business (it gives the token a secret).
    const blocking = plan.replaces.filter((p) => !(p === "expirationDate" && plan.renewal));
    if (blocking.length > 0) {
        const differences = blocking.map((p) => {
            const declared = (inputs as unknown as Record<string, unknown>)[p];
            const actual = (record as unknown as Record<string, unknown>)[p];
            return `${p} is ${JSON.stringify(actual ?? null)} at the API, ${JSON.stringify(declared ?? null)} in the program`;
        });
        throw new AdoptionError(
            `${describeToken(record)} cannot be adopted as declared: ${differences.join("; ")}, and that cannot change in place on apiVersion ${inputs.apiVersion}. Declare the token's value to adopt it unchanged, or let this resource make a new token`,
        );
    }
    return [...ops, ...planPatch(olds, inputs, now)];
}

/** The name-clash error: which token holds the name, and the exact ways out. Pure. */
export function nameConflictMessage(clash: TokenRecord, inputs: CheckedInputs, cause: Error): string {
    const id = clash.id;
    return [
        `${cause.message.replace(/\.$/, "")}. The owner already has a token named ${JSON.stringify(inputs.name)}: ${describeToken(clash)}, created ${clash.created}, last used ${clash.lastUsed ?? "never"}. Nothing was deleted.`,
        `If an interrupted \`pulumi up\` of this stack made it (its create never reached the state), recover with:`,
        `  pulumi cancel --yes   (only if the stack is still locked)`,
        `  pulumi refresh --clear-pending-creates --yes`,
        `  then set onNameConflict: "replace" on this resource (deletes ${id} and makes a new token whose secret is in the state), or onNameConflict: "adopt" or adoptTokenId: "${id}" (keeps that token and its users working; its secret stays unknown), and run pulumi up.`,
        `If it belongs to something else, give this resource another name, or delete that token once nothing uses it (DELETE /${itemPath(inputs.apiVersion, id)}).`,
    ].join("\n");
}

/** Update and read keep the record of an adoption (outputsFrom never sets it). */
export function keepAdoption(olds: Partial<TokenOutputs>, outs: TokenOutputs): TokenOutputs {
    return olds.adoptTokenId !== undefined && outs.adoptTokenId === undefined
        ? { ...outs, adoptTokenId: olds.adoptTokenId }
        : outs;
}

function isRefusal(error: unknown): boolean {
    return (
        error instanceof IscApiError &&
        !(error instanceof AmbiguousOutcomeError) &&
        (error.status === 400 || error.status === 409)
    );
}

function describeToken(record: TokenRecord): string {
    return `token ${record.id} (${JSON.stringify(record.name)})`;
}

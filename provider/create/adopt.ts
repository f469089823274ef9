// Brownfield adoption and name conflicts at creation: taking over a token that already exists
// (adoptTokenId, onNameConflict "adopt") instead of POSTing, and what create does when the declared
// name is taken. Nothing is taken over or deleted without the program's opt-in.
import { tokenNotice } from "../rules/notice";
import type { JsonPatchReplace, TokenRecord } from "../../wire/api-types";
import type { IscPatClient } from "../isc-client/client";
import { AmbiguousOutcomeError, IscApiError } from "../isc-client/errors";
import { hasPassed, instantOf } from "../rules/dates";
import { createRequestFrom, outputsFrom } from "../rules/outputs";
import { createExactlyOnce, type Declared } from "./exactly-once";
import { interimName, newDisambiguator, replaceKeepingName, type CreateOutcome } from "./same-name";
import { planDiff, planPatch } from "../rules/plan";
import { scrub } from "../isc-client/redact";
import { rotationExpiry } from "../rules/rotation";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { collectionPath, hasModernExpiry, itemPath, MODERN_VERSIONS_TEXT } from "../rules/versions";

export type { CreateOutcome };

/** A token could not be adopted, or the declared name is taken: nothing was changed. */
export class AdoptionError extends Error {
    constructor(message: string) {
        super(scrub(message));
        this.name = "AdoptionError";
    }
}

/** What create knows of the run beyond its inputs (the lifecycle's memory of this process). */
export interface CreateContext {
    /** adoptTokenIds of resources that exist: a create for one of them is a replacement. */
    adoptionsDone: ReadonlySet<string>;
    /** Token ids another resource of the stack holds after this run: never deleted or taken away. */
    held: ReadonlySet<string>;
    /**
     * An explicit replacement (`up --replace`, replaceWith): the engine replaces a resource whose
     * token has the declared name without asking diff. It must end with a new token: the token of
     * the name is moved aside (the engine deletes it after), never adopted.
     */
    explicitReplacement: boolean;
    notify: (message: string) => void;
}

/**
 * create(): adopt the token named by adoptTokenId, else post it (createExactlyOnce); when the API
 * refuses it and the owner has a token of the declared name, apply onNameConflict.
 */
export async function createOrAdopt(
    client: IscPatClient,
    declared: Declared,
    now: Date,
    context: CreateContext,
): Promise<CreateOutcome> {
    const { adoptionsDone, held, explicitReplacement, notify } = context;
    const { inputs } = declared;
    const version = inputs.apiVersion;
    // The POST itself, exactly once; under another name for a gapless "replace" (replaceClash).
    // A generation's name and an interim one carry a random part: no other client's token has them.
    const post = async (apiName?: string): Promise<CreateOutcome> => {
        const body = createRequestFrom(inputs, now, newDisambiguator());
        const record = await createExactlyOnce(
            client,
            declared,
            apiName === undefined ? body : { ...body, name: apiName },
            apiName !== undefined || Boolean(inputs.rotation),
        );
        return { id: record.id, outs: outputsFrom(record, inputs, record.secret) };
    };
    // The engine re-checks a replaced resource as if new: its adoptTokenId was used up at its creation.
    const adopting = inputs.adoptTokenId !== undefined && !adoptionsDone.has(inputs.adoptTokenId);
    if (adopting && !explicitReplacement) {
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
        // A rotating token's name is its generation's, random in part: a clash is not about the name.
        if (!isRefusal(error) || inputs.rotation) throw error;
        const clash = (await client.list(version, { ownerId: "me" })).find((t) => t.name === inputs.name);
        if (!clash) throw error;
        const policy = inputs.onNameConflict ?? "fail";
        if (held.has(clash.id)) {
            throw new AdoptionError(
                `${describeToken(clash)} holds the name, and another resource of this stack holds that token now (adopted or kept in this run): it is neither deleted nor taken over. Give this resource another name`,
            );
        }
        if (clash.managed && (explicitReplacement || policy !== "fail")) {
            throw new AdoptionError(
                `${describeToken(clash)} is managed by the platform (e.g. made by a Workflow): ${explicitReplacement ? "a replacement" : `onNameConflict "${policy}"`} never touches such a token. Give this resource another name`,
            );
        }
        // The engine deletes the replaced resource's token after this create: the new token comes
        // first, the one of the name (the state's, by its name) moves aside until then.
        if (explicitReplacement) {
            notify(
                tokenNotice(
                    inputs.name,
                    `replaced on request: a new token is made; ${describeToken(clash)} keeps working under an interim name until the replaced resource's delete at the end of this up`,
                ),
            );
            const made = await replaceKeepingName(client, inputs, clash.id, () => post());
            return { ...made, movedAside: clash.id };
        }
        if (policy === "fail") throw new AdoptionError(nameConflictMessage(clash, inputs, error as Error));
        if (policy === "adopt") return adopt(client, inputs, clash, now);
        return replaceClash(client, inputs, clash, post, notify);
    }
}

/**
 * onNameConflict "replace", gapless: the new token first under a name no token has (if the API
 * refuses it, the refusal was not the name and nothing is deleted), then the old one goes, then the
 * new one takes the declared name. A rename that fails leaves the interim name: the state records
 * it, and the next up's diff renames it (the name differs from the declared one).
 */
async function replaceClash(
    client: IscPatClient,
    inputs: CheckedInputs,
    clash: TokenRecord,
    post: (apiName?: string) => Promise<CreateOutcome>,
    notify: (message: string) => void,
): Promise<CreateOutcome> {
    const version = inputs.apiVersion;
    const made = await post(interimName(inputs.name));
    try {
        await client.delete(version, clash.id);
    } catch (error) {
        // The old token stays: the new one, which nobody holds yet, goes again.
        let undone = "it was deleted again, so nothing changed";
        try {
            await client.delete(version, made.id);
        } catch (cleanup) {
            undone = `deleting it again failed too (${(cleanup as Error).message}): delete it (DELETE /${itemPath(version, made.id)})`;
        }
        throw new AdoptionError(
            `onNameConflict "replace": the new token ${made.id} was made, but deleting ${describeToken(clash)} failed: ${(error as Error).message}; ${undone}. Run pulumi up again once that token can be deleted`,
        );
    }
    try {
        const renamed = await client.patch(version, made.id, [
            { op: "replace", path: "/name", value: inputs.name },
        ]);
        return { id: made.id, outs: outputsFrom(renamed, inputs, made.outs.secret) };
    } catch (error) {
        notify(
            `warning: onNameConflict "replace" replaced ${describeToken(clash)} by token ${made.id}, but renaming it from ${JSON.stringify(made.outs.name)} to ${JSON.stringify(inputs.name)} failed: ${(error as Error).message}. Its secret is in the state; the next pulumi up renames it`,
        );
        return made;
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
    if (inputs.rotation) {
        const target = rotationExpiry(inputs.rotation, now);
        if (current.expirationDate == null || !hasPassed(current.expirationDate, instantOf(target))) {
            // The older versions cannot patch an expiry, and replacing would break the token's users.
            if (!hasModernExpiry(inputs.apiVersion)) {
                throw new AdoptionError(
                    `${describeToken(record)} expires on ${current.expirationDate ?? "never"}, later than rotation.expiresInDays (${inputs.rotation.expiresInDays} days: by ${target}) allows, and apiVersion ${inputs.apiVersion} cannot change a token's expiry in place; adopting never replaces a token its users hold, so nothing was changed. Adopt it with apiVersion ${MODERN_VERSIONS_TEXT} (its expiry is then brought to ${target}), or without rotation (declare its expirationDate), or remove adoptTokenId to make a new rotating token`,
                );
            }
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
        `If this is \`pulumi up --replace\` of this resource, the provider was not told which token it replaces: with the plugin, run it again with --refresh (the engine then reads the token first, and the replacement makes a new token and deletes ${id}).`,
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

// rotation.overlapDays across the engine's calls in one provider process. A replacement is
// diff → create (new generation) → delete (old generation), all in the same process: diff notes the
// outgoing generation, create ends any older generation still in its overlap and records the
// outgoing one as the new generation's previousGeneration, and the delete that follows leaves it
// working (its expiry brought forward where the API version allows). From then on the new
// generation's outputs track it: update deletes it once the overlap is over, delete (destroy) with
// the resource. A delete in another process has no handoff and deletes as before: an interrupted up
// whose pending delete the next up retries ends that overlap early, but leaves no token untracked.
import { tokenNotice } from "../rules/notice";
import type { IscPatClient } from "../isc-client/client";
import { handoffKey } from "../create/same-name";
import {
    describeGeneration,
    expiryPatchFor,
    overlapDaysOf,
    overlapEndNotice,
    overlapEnded,
    previousGenerationAfter,
    rotationOverlapNotices,
} from "../rules/overlap";
import { versionOf } from "../rules/stored";
import type { CheckedInputs, PreviousGeneration, TokenOutputs } from "../rules/types";
import type { ApiVersion, TokenRecord } from "../../wire/api-types";

/** The outgoing generation of a replacement diff saw. */
interface Handoff {
    oldId: string;
    olds: TokenOutputs;
    /** Whether its resource declares an overlap (rotation.overlapDays > 0). */
    overlap: boolean;
}

type Notify = (message: string) => void;

export class OverlapHandoffs {
    /**
     * Replacements diff saw, by declared name and version: create gets only the inputs. Two resources
     * of one stack with the same name and version are "ambiguous": neither gets an overlap.
     */
    private readonly replacing = new Map<string, Handoff | "ambiguous">();
    /** Outgoing generations a create recorded as its previousGeneration: their delete leaves them working. */
    private readonly carried = new Map<string, { previous: PreviousGeneration; version: ApiVersion }>();

    /**
     * diff(): notes a replacement (the new generation first), and says what its overlap will be.
     * Without one, an overlap that has ended is a change: the update deletes that generation.
     */
    diff(
        id: string,
        olds: TokenOutputs,
        news: CheckedInputs,
        replacesCreateFirst: boolean,
        now: Date,
    ): { notices: string[]; changes: boolean } {
        const key = handoffKey(news);
        const noted = this.replacing.get(key);
        if (replacesCreateFirst) {
            const overlap = overlapDaysOf(news.rotation) > 0;
            const ambiguous = noted !== undefined && (noted === "ambiguous" || noted.oldId !== id);
            this.replacing.set(key, ambiguous ? "ambiguous" : { oldId: id, olds, overlap });
            const notices = rotationOverlapNotices(id, olds, news.rotation, news.apiVersion, now);
            // The notice above, or the other resource's, promised an overlap the creates cannot keep.
            if (ambiguous && (overlap || (noted !== "ambiguous" && noted.overlap)))
                notices.push(ambiguousOverlapNotice(news));
            return { notices, changes: false };
        }
        if (noted !== undefined && noted !== "ambiguous" && noted.oldId === id) this.replacing.delete(key);
        const previous = olds.previousGeneration;
        if (previous && overlapEnded(previous, now))
            return { notices: [overlapEndNotice(previous)], changes: true };
        return { notices: [], changes: false };
    }

    /**
     * create(), before the POST: the outgoing generation diff saw for these inputs, after deleting
     * an older generation still in its overlap (at most two work at once; a 404 is fine).
     */
    async beforeCreate(
        client: IscPatClient,
        inputs: CheckedInputs,
        held: ReadonlySet<string>,
        notify: Notify,
    ): Promise<Handoff | undefined> {
        const key = handoffKey(inputs);
        const handoff = this.replacing.get(key);
        this.replacing.delete(key);
        if (handoff === undefined || handoff === "ambiguous") return undefined;
        const older = handoff.olds.previousGeneration;
        if (older && held.has(older.id)) {
            notify(heldNotice(inputs.name, older));
        } else if (older) {
            await client.delete(versionOf(handoff.olds), older.id);
            notify(
                tokenNotice(
                    inputs.name,
                    `deleted the previous generation ${describeGeneration(older)} before making the new token, so that no more than two generations work at once`,
                ),
            );
        }
        return handoff;
    }

    /** create(), after the POST: the outgoing generation becomes the new one's previousGeneration. */
    afterCreate(
        handoff: Handoff | undefined,
        inputs: CheckedInputs,
        outs: TokenOutputs,
        now: Date,
    ): TokenOutputs {
        if (!handoff) return outs;
        const previous = previousGenerationAfter(
            handoff.oldId,
            handoff.olds,
            overlapDaysOf(inputs.rotation),
            now,
        );
        if (!previous) return outs;
        // The version the preview's notice judged by (the declared one) decides the expiry patch too.
        this.carried.set(handoff.oldId, { previous, version: inputs.apiVersion });
        return { ...outs, previousGeneration: previous };
    }

    /**
     * delete(): true when the token is the outgoing generation of a create in this process, which
     * now tracks it: it keeps working, and on v2025/v2026/v1 its expiry is brought forward to the
     * overlap's end (if that fails, the first up after the end deletes it). Otherwise the resource
     * goes with its previous generation (a 404 is fine), and the caller deletes the token. The client
     * is made only when a request is due.
     */
    async delete(
        client: () => IscPatClient,
        id: string,
        props: TokenOutputs,
        version: ApiVersion,
        held: ReadonlySet<string>,
        notify: Notify,
    ): Promise<boolean> {
        const name = props.name ?? id;
        const carried = this.carried.get(id);
        if (carried) {
            this.carried.delete(id);
            const { previous } = carried;
            const operations = expiryPatchFor(carried.version, props.expirationDate, previous);
            if (operations.length === 0) return true;
            try {
                await client().patch(carried.version, id, operations);
            } catch (error) {
                notify(
                    tokenNotice(
                        name,
                        `warning: bringing the expiry of the previous generation ${describeGeneration(previous)} forward to ${previous.worksUntil} failed: ${(error as Error).message}. It keeps working until the first pulumi up after then deletes it`,
                    ),
                );
            }
            return true;
        }
        const older = props.previousGeneration;
        // A previous generation another resource adopted in this run is that resource's now.
        if (older && held.has(older.id)) {
            notify(heldNotice(name, older));
        } else if (older) {
            await client().delete(version, older.id);
            notify(
                tokenNotice(
                    name,
                    `deleted its previous generation ${describeGeneration(older)} (in its overlap until ${older.worksUntil}) with it`,
                ),
            );
        }
        return false;
    }

    /** update(): keeps the previous generation while its overlap lasts; once over, deletes it (404 fine). */
    async update(
        client: IscPatClient,
        olds: TokenOutputs,
        outs: TokenOutputs,
        version: ApiVersion,
        now: Date,
        held: ReadonlySet<string>,
        notify: Notify,
    ): Promise<TokenOutputs> {
        const previous = olds.previousGeneration;
        if (!previous) return outs;
        if (!overlapEnded(previous, now)) return { ...outs, previousGeneration: previous };
        if (held.has(previous.id)) {
            notify(heldNotice(outs.name, previous));
            return outs;
        }
        await client.delete(version, previous.id);
        notify(
            tokenNotice(
                outs.name,
                `the overlap of the previous generation ${describeGeneration(previous)} ended at ${previous.worksUntil}: deleted it`,
            ),
        );
        return outs;
    }
}

/** Why no overlap is kept: create gets only the inputs, and two replacements of this run share them. */
function ambiguousOverlapNotice(news: CheckedInputs): string {
    return `another resource of this stack is replaced in this run with the same name and apiVersion (${news.apiVersion}): the provider cannot tell whose outgoing token is whose, so no rotation.overlapDays is kept for either, and each outgoing token is deleted once the new ones exist. Give the resources different names to keep their overlaps`;
}

/** Why a generation of this resource is not deleted: another resource adopted it in this run. */
function heldNotice(name: string, generation: PreviousGeneration): string {
    return tokenNotice(
        name,
        `its previous generation ${describeGeneration(generation)} is not deleted: another resource of this stack holds it now (adopted in this run); this resource no longer tracks it`,
    );
}

/** read(): the previous generation stays in the outputs while the owner's list still has it. */
export function keepPreviousGeneration(
    prior: Partial<TokenOutputs>,
    outs: TokenOutputs,
    listed: ReadonlyMap<string, TokenRecord>,
): TokenOutputs {
    const previous = prior.previousGeneration;
    return previous && listed.has(previous.id) ? { ...outs, previousGeneration: previous } : outs;
}

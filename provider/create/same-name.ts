// A replacement that keeps the token's name, without a moment in which no token works: names are
// unique per owner, so the old token first moves to an interim name (a rename does not touch its
// credentials), the new token is made under the declared name, and the engine deletes the old one
// at the end of the same up, after the resources that use the secret have the new one. Every
// step's failure leaves the state true about the new token: delete stays one DELETE, and a failed
// one is a plain pending delete that the next up (or destroy) finishes.
import { tokenNotice } from "../rules/notice";
import { randomBytes } from "node:crypto";
import { IscApiError, TokenInitializationError } from "../isc-client/errors";
import type { IscPatClient } from "../isc-client/client";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { itemPath } from "../rules/versions";

/** What create ends with: the token's id and outputs. */
export interface CreateOutcome {
    id: string;
    outs: TokenOutputs;
    /** An explicit replacement moved this token (the one of the name) aside: the engine deletes it next. */
    movedAside?: string;
}

/**
 * Which creates are same-name replacements: diff, which the engine calls before create in the
 * same process, notes the old token's id; the create of that name takes it. An explicit
 * replacement (`up --replace`, replaceWith) calls no diff: check saw a state of the same name, and
 * create follows with no diff between (the engine diffs every other resource it keeps or replaces).
 */
export class SameNameReplacements {
    private readonly pending = new Map<string, string>();
    /** Checked against a state of the declared name, and not diffed since. */
    private readonly checkedOnly = new Set<string>();
    /** Explicit replacements: the id of the token of the name that create moved aside. */
    private readonly movedAside = new Map<string, string>();
    /**
     * The plugin's reads by URN (the engine's refresh before an update), not diffed or deleted
     * since; `refreshDiff` while the refresh's own diff (for display: it plans nothing) is to come.
     */
    private readonly readOnly = new Map<string, { id: string; apiName: string; refreshDiff: boolean }>();

    /** After check: `olds` (the inputs in state, or nothing for a new resource) against `news`. */
    checked(olds: Record<string, unknown> | undefined, news: CheckedInputs): void {
        const key = handoffKey(news);
        const sameToken = typeof olds?.name === "string" && olds.name === news.name;
        if (sameToken && (olds.apiVersion ?? news.apiVersion) === news.apiVersion) this.checkedOnly.add(key);
        else this.checkedOnly.delete(key);
    }

    /**
     * After a read of `urn`: its token `id`, named `apiName` at the API. The engine diffs a refreshed
     * resource at once, to show the refresh (`diffFollows`), unless PULUMI_ENABLE_LEGACY_REFRESH_DIFF.
     */
    read(urn: string, id: string, apiName: string, diffFollows: boolean): void {
        this.readOnly.set(urn, { id, apiName, refreshDiff: diffFollows });
    }

    /**
     * At diff: true for the refresh's own diff of `urn`, which only shows what the refresh found
     * (nothing is planned from it); any other diff means the engine asks, and decides nothing alone.
     */
    diffed(urn: string | undefined): boolean {
        const read = urn === undefined ? undefined : this.readOnly.get(urn);
        if (read?.refreshDiff) {
            read.refreshDiff = false;
            return true;
        }
        this.forget(urn);
        return false;
    }

    /** A delete of `urn` (or its diff): the engine decides no replacement alone. */
    forget(urn: string | undefined): void {
        if (urn !== undefined) this.readOnly.delete(urn);
    }

    /**
     * At check without the old inputs: the token `urn` has, when it was read and not diffed since.
     * Only a replacement the engine decides alone (`up --replace`, a taint) checks an existing
     * resource so: its diff-decided replacements come after a diff.
     */
    replacedByEngine(urn: string | undefined): string | undefined {
        const read = urn === undefined ? undefined : this.readOnly.get(urn);
        return read?.refreshDiff === false ? read.id : undefined;
    }

    /** After diff: `oldId`'s resource is replaced keeping its name (`movesOldAside`), or not. */
    note(oldId: string, news: CheckedInputs, movesOldAside: boolean): void {
        this.checkedOnly.delete(handoffKey(news));
        if (movesOldAside) this.pending.set(handoffKey(news), oldId);
        else if (this.pending.get(handoffKey(news)) === oldId) this.pending.delete(handoffKey(news));
    }

    /**
     * In create: the id of the token this create replaces keeping its name (diff said so),
     * "explicit" for a replacement the engine decided without diff, else undefined.
     */
    take(inputs: CheckedInputs, urn?: string): string | "explicit" | undefined {
        const key = handoffKey(inputs);
        const oldId = this.pending.get(key);
        const explicit = this.checkedOnly.has(key);
        this.pending.delete(key);
        this.checkedOnly.delete(key);
        // Read by URN and not diffed: the engine replaces that very token (its id, not its name, is known).
        const read = urn === undefined ? undefined : this.readOnly.get(urn);
        this.forget(urn);
        if (read !== undefined) return read.apiName === inputs.name ? read.id : "explicit";
        return oldId ?? (explicit ? "explicit" : undefined);
    }

    /** An explicit replacement's create moved `id` aside (the token of the name). */
    movedAsideBy(inputs: CheckedInputs, id: string): void {
        this.movedAside.set(handoffKey(inputs), id);
    }

    /**
     * In delete: the warning when an explicit replacement's create moved aside a token other than
     * the one the replaced resource's state names (its own was renamed out of band).
     */
    deleted(props: Partial<CheckedInputs>, id: string): string | undefined {
        if (typeof props.name !== "string") return undefined;
        const key = handoffKey(props as CheckedInputs);
        const moved = this.movedAside.get(key);
        this.movedAside.delete(key);
        if (moved === undefined || moved === id) return undefined;
        return tokenNotice(
            props.name,
            `warning: the replacement moved token ${moved} aside because it had the name, but the replaced resource's token is ${id}: ${moved} was not deleted and keeps working under an interim name; delete or rename it if nothing uses it`,
        );
    }
}

/**
 * Whether the engine reads the token before every update (the plugin's `refreshBeforeUpdate`): so
 * for a token that may be adopted (adoptTokenId, onNameConflict "adopt", or adopted or imported),
 * so that `up --replace` (whose check gets no state and whose create follows no diff) is known to
 * replace it, and makes a new token instead of adopting its own again. One list per owner and
 * version, per `pulumi` command; the other tokens' previews send nothing.
 */
export function readBeforeEachUpdate(...states: (Partial<TokenOutputs> | undefined)[]): boolean {
    return states.some((s) => s?.adoptTokenId != null || s?.onNameConflict === "adopt");
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

/** A name no token has: the declared one with a random suffix (names are unique per owner). */
export function interimName(name: string): string {
    return `${name}-replacing-${randomBytes(6).toString("hex")}`;
}

/** A rotating generation's disambiguator (rules/rotation.ts): random, so no other create has it. */
export function newDisambiguator(): string {
    return randomBytes(4).toString("hex");
}

// Where a token lives: its tenant (the canonical API root, recorded in its state as `tenant`) and its
// owner (the identity its API client acts as: `owner.id`). A provider that points elsewhere (another
// tenant, another URL of it, another identity) never reads, changes or deletes a token on trust: it
// acts only where a list of its own identity's tokens shows the token, else fails naming both tenants.
// A state written before `tenant` existed is taken as the provider's tenant's, as it always was.
import type { ApiVersion } from "../../wire/api-types";
import type { IscPatClient } from "../isc-client/client";
import { ConfigurationError } from "../isc-client/errors";
import type { TokenOutputs } from "../rules/types";

export interface Here {
    /** The provider's canonical API root. */
    tenant: string;
    /** The identity its API client acts as (the token answer's identity_id), when the answer says. */
    identityId?: string;
}

/** Whether the state places the token here; a state without `tenant` (or an answer without identity) does. */
export function recordedHere(props: Partial<TokenOutputs>, here: Here): boolean {
    const tenant = typeof props.tenant === "string" ? props.tenant : undefined;
    const ownerId = typeof props.owner?.id === "string" ? props.owner.id : undefined;
    const sameTenant = tenant === undefined || tenant === here.tenant;
    const sameOwner = ownerId === undefined || here.identityId === undefined || ownerId === here.identityId;
    return sameTenant && sameOwner;
}

/** Whether the provider's tenant differs from the one the state records (no request: for diff). */
export function recordedElsewhere(props: Partial<TokenOutputs>, tenant: string | undefined): boolean {
    return typeof props.tenant === "string" && tenant !== undefined && props.tenant !== tenant;
}

/** Where this provider is: its root, and the identity its credentials act as (no request beyond the token). */
export async function hereOf(client: IscPatClient): Promise<Here> {
    const { identityId } = await client.auth.identity();
    return { tenant: client.settings.baseUrl, ...(identityId === undefined ? {} : { identityId }) };
}

/**
 * Before reading, changing or deleting token `id`: nothing when the state places it here; else a list of
 * this identity's tokens here must show it (another URL of the same tenant, say), or the operation fails
 * with both tenants named and the way out. Returns the list's record when it looked.
 */
export async function confirmHere(
    client: IscPatClient,
    here: Here,
    id: string,
    props: Partial<TokenOutputs>,
    version: ApiVersion,
    action: "read" | "changed" | "deleted",
): Promise<void> {
    if (recordedHere(props, here)) return;
    const mine = await client.listShared(version, "me");
    if (mine.has(id)) return;
    throw new ConfigurationError(elsewhereMessage(id, props, here, action));
}

function elsewhereMessage(id: string, props: Partial<TokenOutputs>, here: Here, action: string): string {
    const name = props.name ?? id;
    const tenant = props.tenant ?? here.tenant;
    const owner = props.owner?.id ?? "its owner";
    const identity = here.identityId ?? "an unnamed identity";
    return `PersonalAccessToken "${name}" (token ${id}) belongs to tenant ${tenant}, owner ${owner}; this provider connects to ${here.tenant} as ${identity}, where that identity has no such token: nothing was ${action}. Set the provider back to ${tenant}'s settings (and that owner's API client) and run the command again; to move the token, remove it from the program (or run pulumi destroy) with those settings, then pulumi up with the new ones. If the token is already gone there, revoke nothing and run pulumi state delete on the resource`;
}

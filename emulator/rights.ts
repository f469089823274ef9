// The rights that guard the PAT API, and who may do what.
export const RIGHTS = {
    myRead: "idn:my-personal-access-tokens:read",
    myManage: "idn:my-personal-access-tokens:manage",
    allRead: "idn:all-personal-access-tokens:read",
    allManage: "idn:all-personal-access-tokens:manage",
    /** Without it, managed tokens (created by the platform, e.g. Workflows) are left out of lists. */
    managedRead: "idn:managed-personal-access-tokens:read",
} as const;

/** Default rights of clients and identities: all of them, like an org admin. */
export const ALL_RIGHTS: readonly string[] = Object.values(RIGHTS);

/** The authenticated caller of an API request. */
export interface Caller {
    clientId: string;
    identityId: string;
    rights: ReadonlySet<string>;
}

// Choice (the sources are silent): a manage right implies the matching read right, and an "all"
// right implies the matching "my" right, as admin roles in ISC include both.
export function canRead(caller: Caller, ownerId: string | null): boolean {
    const r = caller.rights;
    const all = r.has(RIGHTS.allRead) || r.has(RIGHTS.allManage);
    if (ownerId === null || ownerId !== caller.identityId) return all;
    return all || r.has(RIGHTS.myRead) || r.has(RIGHTS.myManage);
}

export function canManage(caller: Caller, ownerId: string): boolean {
    const r = caller.rights;
    if (r.has(RIGHTS.allManage)) return true;
    return ownerId === caller.identityId && r.has(RIGHTS.myManage);
}

/** Whether the caller may manage at least its own tokens (else 403 rather than 404). */
export function canManageAny(caller: Caller): boolean {
    return caller.rights.has(RIGHTS.allManage) || caller.rights.has(RIGHTS.myManage);
}

/**
 * Rights of a bearer token minted from a PAT: the owner's rights, narrowed by the PAT's scope unless
 * the scope is null or contains `sp:scopes:all`. Choice: a scope entry grants the right of the same
 * name, under either the `idn:` or the `sp:` prefix (the specs use both spellings).
 */
export function rightsForScope(ownerRights: readonly string[], scope: readonly string[] | null): string[] {
    if (scope === null || scope.includes("sp:scopes:all")) return [...ownerRights];
    return ownerRights.filter((r) => scope.includes(r) || scope.includes(r.replace(/^idn:/, "sp:")));
}

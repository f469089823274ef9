// The tenant's personal access tokens. The plain secret exists only in the value `create` returns;
// the store keeps its SHA-256 hash.
import type { Clock } from "./clock";
import { formatMicros, parseRfc3339 } from "./dates";
import { hex } from "./random";
import { safeEqual, sha256 } from "./hash";

export interface StoredToken {
    id: string;
    name: string;
    scope: string[] | null;
    ownerId: string;
    created: string;
    lastUsed: string | null;
    managed: boolean;
    accessTokenValiditySeconds: number;
    expirationDate: string | null;
    userAwareTokenNeverExpires: boolean;
    secretHash: string;
}

/** The fields a caller chooses; everything else the store assigns. */
export interface TokenFields {
    name: string;
    scope: string[] | null;
    accessTokenValiditySeconds: number;
    expirationDate: string | null;
    userAwareTokenNeverExpires: boolean;
    managed?: boolean;
}

export type TokenChanges = Partial<Omit<StoredToken, "id" | "ownerId" | "secretHash">>;

const DAY_MS = 24 * 60 * 60 * 1000;

export class TokenStore {
    // Insertion order is creation order, which lists keep.
    private readonly tokens = new Map<string, StoredToken>();

    /** Sees every secret issued (a test suite registers them for its secret checks). */
    onSecret: (secret: string) => void = () => undefined;

    constructor(private readonly clock: Clock) {}

    create(
        ownerId: string,
        fields: TokenFields,
        now = this.clock.now(),
    ): { token: StoredToken; secret: string } {
        let id = hex(16);
        while (this.tokens.has(id)) id = hex(16);
        const secret = hex(32);
        const token: StoredToken = {
            id,
            name: fields.name,
            scope: fields.scope === null ? null : [...fields.scope],
            ownerId,
            created: formatMicros(now),
            lastUsed: null,
            managed: fields.managed ?? false,
            accessTokenValiditySeconds: fields.accessTokenValiditySeconds,
            expirationDate: fields.expirationDate,
            userAwareTokenNeverExpires: fields.userAwareTokenNeverExpires,
            secretHash: sha256(secret),
        };
        this.tokens.set(id, token);
        this.onSecret(secret);
        return { token: { ...token }, secret };
    }

    get(id: string): StoredToken | undefined {
        const token = this.tokens.get(id);
        return token && { ...token };
    }

    all(): StoredToken[] {
        return [...this.tokens.values()].map((t) => ({ ...t }));
    }

    countByOwner(ownerId: string): number {
        let n = 0;
        for (const t of this.tokens.values()) if (t.ownerId === ownerId) n++;
        return n;
    }

    /** Names are unique per owner. Choice: compared exactly (case-sensitive), the sources are silent. */
    nameTaken(ownerId: string, name: string, exceptId?: string): boolean {
        return [...this.tokens.values()].some(
            (t) => t.ownerId === ownerId && t.name === name && t.id !== exceptId,
        );
    }

    update(id: string, changes: TokenChanges): StoredToken {
        const token = this.tokens.get(id);
        if (!token) throw new Error(`no token ${id}`);
        Object.assign(token, changes);
        return { ...token };
    }

    delete(id: string): boolean {
        return this.tokens.delete(id);
    }

    verifySecret(id: string, secret: string): boolean {
        const token = this.tokens.get(id);
        return token !== undefined && safeEqual(token.secretHash, sha256(secret));
    }

    isExpired(token: StoredToken): boolean {
        if (token.expirationDate === null) return false;
        const expiry = parseRfc3339(token.expirationDate);
        return expiry !== null && expiry.getTime() <= this.clock.nowMs();
    }

    /** Records a use of the PAT. Like the real API, lastUsed moves at most once a day. */
    markUsed(id: string): void {
        const token = this.tokens.get(id);
        if (!token) return;
        const now = this.clock.now();
        const last = token.lastUsed === null ? null : parseRfc3339(token.lastUsed);
        if (last === null || now.getTime() - last.getTime() >= DAY_MS) token.lastUsed = formatMicros(now);
    }
}

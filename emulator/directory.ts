// Identities and API clients known to the emulated tenant. Client secrets are kept as hashes.
import { ALL_RIGHTS } from "./rights";
import { hex } from "./random";
import { sha256, safeEqual } from "./hash";

export interface Identity {
    id: string;
    name: string;
    rights: readonly string[];
}

export interface IdentityOptions {
    /** 32 lowercase hex characters like real identity ids; random when omitted. */
    id?: string;
    name: string;
    /** Rights of this identity, which PATs it owns inherit. Default: all PAT rights. */
    rights?: readonly string[];
}

export interface ClientOptions {
    clientId: string;
    clientSecret: string;
    /** The identity the client acts as; a new "API Client <id>" identity when omitted. */
    identity?: { id: string; name: string };
    /** Rights of this client's bearer tokens. Default: all PAT rights. */
    rights?: readonly string[];
}

export interface ApiClient {
    clientId: string;
    identityId: string;
    rights: readonly string[];
}

export class Directory {
    private readonly identities = new Map<string, Identity>();
    private readonly clients = new Map<string, ApiClient & { secretHash: string }>();

    addIdentity(options: IdentityOptions): Identity {
        const identity: Identity = {
            id: options.id ?? hex(16),
            name: options.name,
            rights: [...(options.rights ?? ALL_RIGHTS)],
        };
        this.identities.set(identity.id, identity);
        return identity;
    }

    identity(id: string): Identity | undefined {
        return this.identities.get(id);
    }

    addClient(options: ClientOptions): ApiClient {
        if (!options.clientId || !options.clientSecret)
            throw new TypeError("clientId and clientSecret are required");
        const given = options.identity;
        // An identity registered before (e.g. by addIdentity) keeps its rights.
        const identity =
            (given && this.identities.get(given.id)) ??
            this.addIdentity(given ? { ...given } : { name: `API Client ${options.clientId}` });
        const client = {
            clientId: options.clientId,
            identityId: identity.id,
            rights: [...(options.rights ?? ALL_RIGHTS)],
            secretHash: sha256(options.clientSecret),
        };
        this.clients.set(client.clientId, client);
        return { clientId: client.clientId, identityId: client.identityId, rights: client.rights };
    }

    /** The client if the credentials match, else undefined. */
    authenticate(clientId: string, clientSecret: string): ApiClient | undefined {
        const client = this.clients.get(clientId);
        if (!client || !safeEqual(client.secretHash, sha256(clientSecret))) return undefined;
        return { clientId: client.clientId, identityId: client.identityId, rights: client.rights };
    }
}

// The core's own operations, typed: what each door hands the lifecycle and what it gets back. A door
// adapts these to its protocol (the dynamic provider's functions, the plugin's gRPC messages); the
// core knows neither. Properties come as the engine holds them (plain objects): the core checks the
// state's shapes (rules/state.ts) and the inputs (rules/validate.ts) itself, so no door casts them.
import type { IscPatClient } from "../isc-client/client";
import type { CheckFailure } from "../rules/validate";
import type { TokenInputs, TokenOutputs } from "../rules/types";

/** What one operation runs with: the clock it decides by, the client it sends with, where notices go. */
export interface OperationContext {
    /** Read once per operation: every decision of the operation takes this instant. */
    readonly now: Date;
    /** The client of the configured tenant; resolved when first asked (check sends nothing). */
    client(): IscPatClient;
    /** A notice for the user (renewal due, a token kept): scrubbed and made printable. */
    notify(message: string): void;
}

export interface CheckRequest {
    /** The inputs in state (absent for a new resource): a date they already held is not judged again. */
    olds?: object;
    news: object;
    /** The resource's URN, when the door knows it (the plugin): `up --replace` is told by it. */
    urn?: string;
}
export interface CheckResult {
    /** As the engine stores them: apiVersion only when it is not v1 (rules/stored.ts). */
    inputs: TokenInputs;
    failures: CheckFailure[];
}

export interface DiffRequest {
    id: string;
    /** The outputs in state. */
    olds: object;
    /** The checked inputs. */
    news: object;
    /** As in CheckRequest: a refresh's own diff is told by it. */
    urn?: string;
}
export interface DiffResult {
    changes: boolean;
    replaces: string[];
    deleteBeforeReplace: boolean;
    /** The properties that change (the plugin shows exactly these; the dynamic door cannot). */
    diffs: string[];
}

export interface CreateRequest {
    inputs: object;
    /** As in CheckRequest. */
    urn?: string;
}
export interface CreateResult {
    id: string;
    outs: TokenOutputs;
}

export interface ReadRequest {
    id: string;
    /** The outputs in state; absent or empty for a read by id alone (`pulumi import`). */
    prior?: object;
    /** As in CheckRequest: a create of the same URN with no diff between replaces this token. */
    urn?: string;
    /** Whether the engine diffs the refreshed resource at once (it does unless told not to). Default true. */
    diffFollows?: boolean;
}
/** The token as read, or undefined when it is gone (only a successful list that lacks it says so). */
export type ReadResult = { id: string; props: TokenOutputs; inputs: TokenInputs } | undefined;

export interface UpdateRequest {
    id: string;
    olds: object;
    news: object;
}
export interface UpdateResult {
    outs: TokenOutputs;
}

export interface DeleteRequest {
    id: string;
    props: object;
    /** As in CreateRequest. */
    urn?: string;
}

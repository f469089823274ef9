// The core: the six operations both doors adapt (./operations.ts), thin glue between the rules
// (validation, planning), creation (provider/create/) and the client. Nothing is read from the
// surroundings at construction; settings are resolved when an operation runs, from configure()'s
// settings or the environment. It knows neither door's protocol.
import { createOrAdopt, keepAdoption } from "../create/adopt";
import { replaceKeepingName, SameNameReplacements } from "../create/same-name";
import type { ApiVersion, TokenRecord } from "../../wire/api-types";
import { clientFor, type IscPatClient } from "../isc-client/client";
import { systemNow } from "../rules/clock";
import {
    resolveConnection,
    resolveDefaultApiVersion,
    type Environment,
    type EnvironmentRecord,
    type GivenSettings,
} from "../isc-client/config";
import type { SettingsPlace } from "../isc-client/settings";
import type { RetryPolicy } from "../isc-client/retry";
import { keepPreviousGeneration, OverlapHandoffs } from "./overlap";
import { confirmHere, hereOf, recordedElsewhere } from "./tenancy";
import type { PacingLimits } from "../isc-client/pacing";
import { inputsFrom, outputsFrom } from "../rules/outputs";
import { tokenNotice } from "../rules/notice";
import { planDiff, planPatch, staleExpiryWarning } from "../rules/plan";
import { printable, scrub } from "../isc-client/redact";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { validateInputs } from "../rules/validate";
import { isCheckedInputs, isTokenState, malformedStateMessage, stateProblems } from "../rules/state";
import { checkedFrom, leanInputs, versionOf } from "../rules/stored";
import type {
    CheckRequest,
    CheckResult,
    CreateRequest,
    CreateResult,
    DeleteRequest,
    DiffRequest,
    DiffResult,
    OperationContext,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
} from "./operations";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, DEFAULT_API_VERSION } from "../rules/versions";
import { overlapEnded } from "../rules/overlap";

/** For tests and embedding; the engine uses the defaults. */
export interface ProviderOptions {
    /** Where SAIL_* settings come from when the stack config has none. Default: process.env, read per call. */
    env?: () => Environment;
    /** The wall clock every decision reads (expiry, rotation windows); default the system's. */
    now?: () => Date;
    /** Where renewal notices go; default stderr, which the engine shows in preview and up. */
    notify?: (message: string) => void;
    retryPolicy?: RetryPolicy;
    /** The client-side rate limit; default the API's (100 requests per 10 s per client id and version). */
    rateLimit?: PacingLimits;
}

/** What a door's configure brings: the settings it was given, by name, and where the user gave them. */
export interface ProviderConfiguration {
    given: GivenSettings;
    place: SettingsPlace;
    /** The plugin's record of the environment it took at its last update: it must still say the same. */
    fromEnvironment?: EnvironmentRecord;
}

export class TokenLifecycle {
    private given: GivenSettings = {};
    private place: SettingsPlace = { door: "dynamic", explicit: false };
    private fromEnvironment?: EnvironmentRecord;
    /** adoptTokenIds of resources that exist (seen by diff): a create for one of them is a replacement. */
    private readonly adoptionsDone = new Set<string>();
    /**
     * Adopted token ids a resource of the stack holds after this process's work: adopted by a
     * create, or kept by a diff that replaces nothing. The engine deletes old URNs (rename,
     * replacement, removal) after all of these, in the same process: a delete of one of these ids
     * would remove a token another resource now holds. (A token a create POSTed is new: only its
     * own resource holds it.)
     */
    private readonly held = new Set<string>();
    /** Replacements that keep the name, noted by diff for create: the old token moves aside first. */
    private readonly sameName = new SameNameReplacements();
    /** Tokens a create adopted, by URN (the plugin's): a delete of the same URN and token is `--replace`'s. */
    private readonly adoptedByCreate = new Map<string, string>();
    /** rotation.overlapDays: the outgoing generation, from diff to create to its delete (./overlap.ts). */
    private readonly overlaps = new OverlapHandoffs();

    constructor(private readonly options: ProviderOptions = {}) {}

    async configure(configuration: ProviderConfiguration): Promise<void> {
        this.given = { ...configuration.given };
        this.place = configuration.place;
        this.fromEnvironment = configuration.fromEnvironment;
    }

    /** `olds` are the inputs in state: an expirationDate they already held is not judged again. */
    async check(request: CheckRequest): Promise<CheckResult> {
        const { now } = this.context();
        const prior = request.olds;
        let defaultApiVersion: ApiVersion;
        try {
            defaultApiVersion = resolveDefaultApiVersion(this.given, this.place);
        } catch (error) {
            const { inputs } = validateInputs(request.news, { now, defaultApiVersion: "v1", prior });
            const failures = [{ property: "apiVersion", reason: (error as Error).message }];
            return { inputs: leanInputs(inputs), failures };
        }
        const { inputs, failures } = validateInputs(request.news, { now, defaultApiVersion, prior });
        if (failures.length === 0) this.sameName.checked(prior && { ...prior }, inputs);
        // The preview's only word on `up --replace`: the plugin read the token, and no diff will come.
        const replaced = prior === undefined ? this.sameName.replacedByEngine(request.urn) : undefined;
        if (replaced !== undefined && failures.length === 0)
            this.notify(engineReplacementNotice(inputs, replaced));
        // Reasons may quote a property name or value: the engine prints them, so escape control characters.
        const shown = failures.map((f) => ({ property: printable(f.property), reason: printable(f.reason) }));
        // What the engine stores and hands to diff, create and update: without apiVersion when it is v1.
        return { inputs: leanInputs(inputs), failures: shown };
    }

    async diff(request: DiffRequest): Promise<DiffResult> {
        const { id } = request;
        const olds = this.stateOf(id, request.olds, "diff");
        const news = checkedOf(request.news);
        // A refresh's own diff only shows what it found: nothing this process remembers comes of it.
        const shown = this.sameName.diffed(request.urn);
        for (const adopted of shown ? [] : [news.adoptTokenId, olds.adoptTokenId]) {
            if (typeof adopted === "string") this.adoptionsDone.add(adopted);
        }
        const { now, notify } = this.context();
        const plan = planDiff(olds, news, now);
        // A dynamic provider's diff cannot carry a message; what it prints shows in the preview.
        if (plan.renewal) notify(tokenNotice(news.name, plan.renewal));
        const stale = staleExpiryWarning(olds, news, now);
        if (stale) notify(tokenNotice(news.name, stale));
        const createFirst = plan.replaces.length > 0 && !plan.deleteBeforeReplace;
        const overlap = shown
            ? { notices: [], changes: overlapEnds(olds, createFirst, now) }
            : this.overlaps.diff(id, olds, news, createFirst, now);
        for (const notice of overlap.notices) notify(tokenNotice(news.name, notice));
        // An adopted resource kept (not replaced) goes on holding its token: no delete in this process
        // removes it. A replaced one gives its token up (the engine deletes it, before or after the new one).
        if (shown) {
            // Nothing noted: the update's own diff, if any, follows.
        } else if (plan.replaces.length === 0 && olds.adoptTokenId === id) this.held.add(id);
        else this.held.delete(id);
        if (!shown) this.sameName.note(id, news, plan.movesOldAside === true);
        // A token recorded at another URL than the provider's: update confirms where it is and records it.
        const moved = recordedElsewhere(olds, this.tenant());
        const diffs = [...new Set([...plan.updates, ...plan.replaces])];
        if (overlap.changes && !diffs.includes("previousGeneration")) diffs.push("previousGeneration");
        return {
            changes: plan.changes || overlap.changes || moved,
            replaces: plan.replaces,
            deleteBeforeReplace: plan.deleteBeforeReplace === true,
            diffs,
        };
    }

    async create(request: CreateRequest): Promise<CreateResult> {
        const { urn } = request;
        const ctx = this.context();
        const inputs = this.validated(request.inputs, ctx.now);
        // A replacement with an overlap: an older generation still in its overlap goes first.
        const client = ctx.client();
        const handoff = await this.overlaps.beforeCreate(client, inputs, this.held, ctx.notify);
        // Adoption and name conflicts, then the exactly-once POST: provider/create/.
        // `up --replace` (read by URN, no diff since): a new token, never its own adopted again.
        const byEngine = this.sameName.replacedByEngine(urn) !== undefined;
        const replaced = this.sameName.take(inputs, urn);
        const make = () =>
            createOrAdopt(client, { inputs }, ctx.now, {
                adoptionsDone: this.adoptionsDone,
                held: this.held,
                explicitReplacement: replaced === "explicit" || byEngine,
                notify: ctx.notify,
            });
        const { id, outs, movedAside } =
            replaced !== undefined && replaced !== "explicit"
                ? await replaceKeepingName(client, inputs, replaced, make)
                : await make();
        if (movedAside !== undefined) this.sameName.movedAsideBy(inputs, movedAside);
        // A token this create POSTed is new: no other resource can hold it. An adopted one may be.
        if (outs.adoptTokenId !== undefined) {
            this.held.add(id);
            if (urn !== undefined) this.adoptedByCreate.set(urn, id);
        }
        return {
            id,
            outs: {
                ...this.overlaps.afterCreate(handoff, inputs, outs, ctx.now),
                tenant: client.settings.baseUrl,
            },
        };
    }

    async read(request: ReadRequest): Promise<ReadResult> {
        const { id, urn } = request;
        // A read by id alone (`pulumi import`): no name in the state.
        const { prior } = request;
        const imported = prior === undefined || !("name" in prior) || prior.name === undefined;
        const state = imported ? undefined : this.stateOf(id, prior, "refresh");
        const props: Partial<TokenOutputs> = state ?? {};
        const ctx = this.context();
        const version =
            state === undefined ? resolveDefaultApiVersion(this.given, this.place) : versionOf(state);
        const owner = props.owner?.id ?? "me";
        const client = ctx.client();
        const here = await hereOf(client);
        // A token recorded elsewhere is read here only if this identity's tokens here include it.
        await confirmHere(client, here, id, props, version, "read");
        // Only a successful list that lacks the id means "gone"; any failure throws.
        const listed = await client.listShared(version, owner);
        const record = listed.get(id);
        if (!record) return undefined;
        if (state === undefined) {
            // An imported token is an adopted one: the next up keeps it (its users hold its secret),
            // its secret stays unknown (the API shows it only at creation) until the program asks
            // for a new token with replaceIfSecretUnknown: true.
            const outputs = { ...importedOutputs(record, version), tenant: here.tenant };
            ctx.notify(importNotice(outputs));
            return { id, props: outputs, inputs: leanInputs(inputsFrom(outputs)) };
        }
        if (urn !== undefined) this.sameName.read(urn, id, record.name, request.diffFollows ?? true);
        const kept = keepAdoption(state, outputsFrom(record, inputsFrom(state), state.secret ?? ""));
        const outputs = { ...keepPreviousGeneration(state, kept, listed), tenant: here.tenant };
        return { id, props: outputs, inputs: leanInputs(inputsFrom(outputs)) };
    }

    async update(request: UpdateRequest): Promise<UpdateResult> {
        const { id } = request;
        const olds = this.stateOf(id, request.olds, "update");
        const ctx = this.context();
        // An unchanged declared date that has passed since must not block an unrelated change.
        const news = this.validated(request.news, ctx.now, olds);
        const operations = planPatch(olds, news, ctx.now);
        const client = ctx.client();
        // Where the token lives is confirmed when a request is made anyway, or when it is recorded elsewhere.
        if (operations.length > 0 || recordedElsewhere(olds, client.settings.baseUrl)) {
            await confirmHere(client, await hereOf(client), id, olds, versionOf(olds), "changed");
        }
        const record: TokenRecord =
            operations.length > 0
                ? await client.patch(news.apiVersion, id, operations)
                : recordFrom(id, olds);
        const outs = {
            ...keepAdoption(olds, outputsFrom(record, news, olds.secret)),
            tenant: client.settings.baseUrl,
        };
        const version = versionOf(olds);
        return {
            outs: await this.overlaps.update(client, olds, outs, version, ctx.now, this.held, ctx.notify),
        };
    }

    async delete(request: DeleteRequest): Promise<void> {
        const { id, urn } = request;
        // A delete reads only these: a destroy is not blocked by, say, a malformed scope.
        const props = this.stateOf(id, request.props, "delete", ["name", "apiVersion", "previousGeneration"]);
        this.sameName.forget(urn);
        const ctx = this.context();
        const misplaced = this.sameName.deleted(props, id);
        if (misplaced) ctx.notify(misplaced);
        const version =
            props.name === undefined ? resolveDefaultApiVersion(this.given, this.place) : versionOf(props);
        // Only at the token's own tenant and owner does a 404 mean "gone": elsewhere, it must be seen first.
        const here = ctx.client();
        await confirmHere(here, await hereOf(here), id, props, version, "deleted");
        // The outgoing generation of a rotation with overlap stays; else its previous generation goes first.
        if (await this.overlaps.delete(() => ctx.client(), id, props, version, this.held, ctx.notify)) return;
        // A rename (create new URN, delete old URN) or `up --replace` that adopted the same token:
        // the old resource leaves the state, the token stays with the one that holds it now.
        if (this.held.has(id) && urn !== undefined && this.adoptedByCreate.get(urn) === id) {
            // `up --replace`: the engine gives create no sign of it, so the replacement adopted its own token.
            ctx.notify(selfAdoptionWarning(props.name ?? id, id, urn));
            return;
        }
        if (this.held.has(id)) {
            ctx.notify(
                tokenNotice(
                    props.name ?? id,
                    `token ${id} is not deleted: another resource of this stack holds it now (adopted or kept in this run); only the old resource leaves the state`,
                ),
            );
            return;
        }
        await ctx.client().delete(version, id);
    }

    /**
     * The engine calls check() first, and create and update get check's inputs (an absent apiVersion
     * is v1: check stores any other); they check again (microseconds, no I/O), so that nothing
     * unvalidated is sent.
     */
    private validated(inputs: object, now: Date, prior?: TokenOutputs): CheckedInputs {
        const checked = validateInputs(inputs, { now, defaultApiVersion: DEFAULT_API_VERSION, prior });
        if (checked.failures.length > 0) {
            const reasons = checked.failures.map((f) => `${f.property} ${f.reason}`).join("; ");
            throw new Error(scrub(`PersonalAccessToken inputs are not valid (nothing was sent): ${reasons}`));
        }
        return checked.inputs;
    }

    /** The outputs in state, when they have the shapes the decisions read; else the error names the property. */
    private stateOf(id: string, state: object, operation: string, only?: readonly string[]): TokenOutputs {
        if (isTokenState(state, only)) return state;
        throw new Error(scrub(malformedStateMessage(id, operation, stateProblems(state, only))));
    }

    /** One operation's clock, client and notices. */
    private context(): OperationContext {
        return {
            now: this.now(),
            client: () => this.client(),
            notify: (message) => this.notify(message),
        };
    }

    private client(): IscPatClient {
        const env = this.options.env ? this.options.env() : process.env;
        return clientFor(
            resolveConnection(this.given, this.place, env, this.fromEnvironment),
            this.options.retryPolicy,
            this.options.rateLimit,
        );
    }

    /** The provider's canonical API root, when its settings resolve (no request). */
    private tenant(): string | undefined {
        try {
            return this.client().settings.baseUrl;
        } catch {
            return undefined;
        }
    }

    private now(): Date {
        return this.options.now ? this.options.now() : systemNow();
    }

    private notify(raw: string): void {
        // A name may carry control characters (ANSI escapes): they are shown, not obeyed.
        const message = printable(scrub(raw));
        if (this.options.notify) this.options.notify(message);
        // eslint-disable-next-line no-console -- the engine shows a dynamic provider's stderr; no secret is in it
        else console.error(message);
    }
}

/** What the overlap adds to a diff, noting nothing (a refresh's diff): an ended overlap is a change. */
function overlapEnds(olds: TokenOutputs, createFirst: boolean, now: Date): boolean {
    const previous = olds.previousGeneration;
    return !createFirst && previous !== undefined && previous !== null && overlapEnded(previous, now);
}

function engineReplacementNotice(inputs: CheckedInputs, id: string): string {
    return tokenNotice(
        inputs.name,
        `replaced on request (pulumi up --replace, or a taint): a new token is made, whose secret is in the state, and token ${id} keeps working until the engine deletes it at the end of this up; adoptTokenId and onNameConflict do not apply to a replacement`,
    );
}

function selfAdoptionWarning(name: string, id: string, urn: string): string {
    return tokenNotice(
        name,
        `warning: its replacement adopted the same token ${id} (onNameConflict "adopt" or adoptTokenId): the engine had not read the token before this up (a state written before the plugin asked it to), so the create could not tell a replacement from a new resource. ${id} is not deleted: it and the secret its users hold keep working, and the stack's secret output is empty. The engine reads this token before each update from now on: run pulumi up --replace ${urn} again to revoke ${id} and get a new token whose secret is in the state`,
    );
}

/** The outputs of a token read by id alone: adopted, its secret unknown, its values the API's. */
function importedOutputs(record: TokenRecord, version: ApiVersion): TokenOutputs {
    return {
        ...outputsFrom(record, { name: record.name, apiVersion: version }, ""),
        adoptTokenId: record.id,
    };
}

function importNotice(outputs: TokenOutputs): string {
    return tokenNotice(
        outputs.name,
        `token ${String(outputs.adoptTokenId)} is imported as an adopted token: the next pulumi up keeps it and its users' secret (no replacement); its secret output is empty (secretKnown false), since the API shows a secret only at creation. To get a new token whose secret is in the state, set replaceIfSecretUnknown: true`,
    );
}

/** A token record rebuilt from state, for an update that needs no request (e.g. apiVersion alone). */
function recordFrom(id: string, olds: TokenOutputs): TokenRecord {
    return {
        id,
        name: olds.tokenName ?? olds.name,
        scope: olds.scope ?? null,
        owner: olds.owner,
        created: olds.created,
        lastUsed: olds.lastUsed ?? null,
        managed: olds.managed ?? false,
        accessTokenValiditySeconds: olds.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
        expirationDate: olds.expirationDate ?? null,
        userAwareTokenNeverExpires: olds.userAwareTokenNeverExpires,
    };
}

/** Diff's inputs came through check (the engine's order); else the error says so. */
function checkedOf(news: object): CheckedInputs {
    if (isCheckedInputs(news)) return checkedFrom(news);
    throw new Error("PersonalAccessToken inputs reached diff unchecked (no name): run check first");
}

// The six lifecycle methods the Pulumi engine calls: thin glue between the rules (validation,
// planning), creation (provider/create/) and the client. Nothing is read from the surroundings at construction; settings are resolved when an
// operation runs, from configure()'s stack config or the environment.
import type * as pulumi from "@pulumi/pulumi";
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
import { planDiff, planPatch, staleExpiryWarning } from "../rules/plan";
import { printable, scrub } from "../isc-client/redact";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { PROVIDER_KEY, validateInputs } from "../rules/validate";
import { malformedStateMessage, stateProblems } from "../rules/state";
import { versionOf } from "../rules/stored";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS } from "../rules/versions";
import { overlapEnded } from "../rules/overlap";

type CheckResult = pulumi.dynamic.CheckResult<CheckedInputs>;
/** DiffResult, and the properties that change (the plugin shows exactly these; the dynamic door cannot). */
type DiffResult = pulumi.dynamic.DiffResult & { diffs?: string[] };
type CreateResult = pulumi.dynamic.CreateResult<TokenOutputs>;
/** ReadResult with its inputs typed as inputs. */
export interface ReadResult {
    id?: string;
    props?: TokenOutputs;
    inputs?: CheckedInputs;
}
type UpdateResult = pulumi.dynamic.UpdateResult<TokenOutputs>;

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

export class PersonalAccessTokenProvider {
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
    async check(olds: unknown, news: Record<string, unknown>, urn?: string): Promise<CheckResult> {
        const prior = olds && typeof olds === "object" ? (olds as Record<string, unknown>) : undefined;
        let defaultApiVersion: ApiVersion;
        try {
            defaultApiVersion = resolveDefaultApiVersion(this.given, this.place);
        } catch (error) {
            const { inputs } = validateInputs(news, { now: this.now(), defaultApiVersion: "v1", prior });
            return { inputs, failures: [{ property: "apiVersion", reason: (error as Error).message }] };
        }
        const { inputs, failures } = validateInputs(news, { now: this.now(), defaultApiVersion, prior });
        if (failures.length === 0) this.sameName.checked(prior, inputs);
        // The preview's only word on `up --replace`: the plugin read the token, and no diff will come.
        const replaced = prior === undefined ? this.sameName.replacedByEngine(urn) : undefined;
        if (replaced !== undefined && failures.length === 0)
            this.notify(engineReplacementNotice(inputs, replaced));
        // Reasons may quote a property name or value: the engine prints them, so escape control characters.
        const shown = failures.map((f) => ({ property: printable(f.property), reason: printable(f.reason) }));
        return { inputs, failures: shown };
    }

    async diff(id: string, olds: TokenOutputs, news: CheckedInputs, urn?: string): Promise<DiffResult> {
        this.requireState(id, olds, "diff");
        // A refresh's own diff only shows what it found: nothing this process remembers comes of it.
        const shown = this.sameName.diffed(urn);
        for (const adopted of shown ? [] : [news.adoptTokenId, olds.adoptTokenId]) {
            if (typeof adopted === "string") this.adoptionsDone.add(adopted);
        }
        const now = this.now();
        const plan = planDiff(olds, news, now);
        // A dynamic provider's diff cannot carry a message; what it prints shows in the preview.
        if (plan.renewal) this.notify(`PersonalAccessToken "${news.name}": ${plan.renewal}`);
        const stale = staleExpiryWarning(olds, news, now);
        if (stale) this.notify(`PersonalAccessToken "${news.name}": ${stale}`);
        const createFirst = plan.replaces.length > 0 && !plan.deleteBeforeReplace;
        const overlap = shown
            ? { notices: [], changes: overlapEnds(olds, createFirst, now) }
            : this.overlaps.diff(id, olds, news, createFirst, now);
        for (const notice of overlap.notices) this.notify(`PersonalAccessToken "${news.name}": ${notice}`);
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
            deleteBeforeReplace: plan.deleteBeforeReplace,
            diffs,
        };
    }

    /** `urn`: the plugin passes it (the dynamic door has none). */
    async create(unchecked: CheckedInputs, urn?: string): Promise<CreateResult> {
        const inputs = this.validated(unchecked);
        // Validation drops the engine's serialized provider; the initialization-failed path needs it.
        const serialized = (unchecked as unknown as Record<string, unknown>)[PROVIDER_KEY];
        const declared = {
            inputs,
            serializedProvider: typeof serialized === "string" ? serialized : undefined,
        };
        const notify = (message: string) => this.notify(message);
        // A replacement with an overlap: an older generation still in its overlap goes first.
        const client = this.client();
        const handoff = await this.overlaps.beforeCreate(client, inputs, this.held, notify);
        const now = this.now();
        // Adoption and name conflicts, then the exactly-once POST: provider/create/.
        // `up --replace` (read by URN, no diff since): a new token, never its own adopted again.
        const byEngine = this.sameName.replacedByEngine(urn) !== undefined;
        const replaced = this.sameName.take(inputs, urn);
        const make = () =>
            createOrAdopt(client, declared, now, {
                adoptionsDone: this.adoptionsDone,
                held: this.held,
                explicitReplacement: replaced === "explicit" || byEngine,
                notify,
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
                ...this.overlaps.afterCreate(handoff, inputs, outs, now),
                tenant: client.settings.baseUrl,
            },
        };
    }

    /** `urn`: the plugin passes it (a create of the same URN with no diff between replaces this token). */
    async read(id: string, prior?: TokenOutputs, urn?: string, diffFollows = true): Promise<ReadResult> {
        const props = prior ?? ({} as Partial<TokenOutputs> as TokenOutputs);
        // A read by id alone (`pulumi import`; the dynamic door passes only its serialized provider).
        const imported = props.name === undefined;
        if (!imported) this.requireState(id, props, "refresh");
        const version = imported ? resolveDefaultApiVersion(this.given, this.place) : versionOf(props);
        const owner = props.owner?.id ?? "me";
        const client = this.client();
        const here = await hereOf(client);
        // A token recorded elsewhere is read here only if this identity's tokens here include it.
        await confirmHere(client, here, id, props, version, "read");
        // Only a successful list that lacks the id means "gone"; any failure throws.
        const listed = await client.listShared(version, owner);
        const record = listed.get(id);
        if (!record) return {};
        if (imported) {
            // An imported token is an adopted one: the next up keeps it (its users hold its secret),
            // its secret stays unknown (the API shows it only at creation) until the program asks
            // for a new token with replaceIfSecretUnknown: true.
            const outputs = { ...importedOutputs(record, version), tenant: here.tenant };
            this.notify(importNotice(outputs));
            return { id, props: outputs, inputs: inputsFrom(outputs) };
        }
        if (urn !== undefined) this.sameName.read(urn, id, record.name, diffFollows);
        const kept = keepAdoption(props, outputsFrom(record, inputsFrom(props), props.secret ?? ""));
        const outputs = { ...keepPreviousGeneration(props, kept, listed), tenant: here.tenant };
        return { id, props: outputs, inputs: inputsFrom(outputs) };
    }

    async update(id: string, olds: TokenOutputs, unchecked: CheckedInputs): Promise<UpdateResult> {
        this.requireState(id, olds, "update");
        // An unchanged declared date that has passed since must not block an unrelated change.
        const news = this.validated(unchecked, olds);
        const operations = planPatch(olds, news, this.now());
        const client = this.client();
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
        const notify = (message: string) => this.notify(message);
        return {
            outs: await this.overlaps.update(client, olds, outs, version, this.now(), this.held, notify),
        };
    }

    async delete(id: string, props: TokenOutputs, urn?: string): Promise<void> {
        // A delete reads only these: a destroy is not blocked by, say, a malformed scope.
        this.requireState(id, props, "delete", ["name", "apiVersion", "previousGeneration"]);
        this.sameName.forget(urn);
        const misplaced = this.sameName.deleted(props, id);
        if (misplaced) this.notify(misplaced);
        const version =
            props.name === undefined ? resolveDefaultApiVersion(this.given, this.place) : versionOf(props);
        // Only at the token's own tenant and owner does a 404 mean "gone": elsewhere, it must be seen first.
        const here = this.client();
        await confirmHere(here, await hereOf(here), id, props, version, "deleted");
        // The outgoing generation of a rotation with overlap stays; else its previous generation goes first.
        const client = () => this.client();
        if (await this.overlaps.delete(client, id, props, version, this.held, (m) => this.notify(m))) return;
        // A rename (create new URN, delete old URN) or `up --replace` that adopted the same token:
        // the old resource leaves the state, the token stays with the one that holds it now.
        if (this.held.has(id) && urn !== undefined && this.adoptedByCreate.get(urn) === id) {
            // `up --replace`: the engine gives create no sign of it, so the replacement adopted its own token.
            this.notify(selfAdoptionWarning(props.name ?? id, id, urn));
            return;
        }
        if (this.held.has(id)) {
            this.notify(
                `PersonalAccessToken "${props.name ?? id}": token ${id} is not deleted: another resource of this stack holds it now (adopted or kept in this run); only the old resource leaves the state`,
            );
            return;
        }
        await this.client().delete(version, id);
    }

    /**
     * The engine calls check() first, but the class is usable on its own: create and update check
     * again (microseconds, no I/O), so that nothing unvalidated is sent.
     */
    private validated(inputs: CheckedInputs, prior?: TokenOutputs): CheckedInputs {
        const checked = validateInputs(inputs as unknown as Record<string, unknown>, {
            now: this.now(),
            defaultApiVersion: resolveDefaultApiVersion(this.given, this.place),
            prior: prior as unknown as Record<string, unknown> | undefined,
        });
        if (checked.failures.length > 0) {
            const reasons = checked.failures.map((f) => `${f.property} ${f.reason}`).join("; ");
            throw new Error(scrub(`PersonalAccessToken inputs are not valid (nothing was sent): ${reasons}`));
        }
        return checked.inputs;
    }

    /** The outputs in state have the shapes the decisions read, or the error names the property. */
    private requireState(id: string, state: unknown, operation: string, only?: readonly string[]): void {
        const problems = stateProblems(state, only);
        if (problems.length > 0) throw new Error(scrub(malformedStateMessage(id, operation, problems)));
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
    return `PersonalAccessToken "${inputs.name}": replaced on request (pulumi up --replace, or a taint): a new token is made, whose secret is in the state, and token ${id} keeps working until the engine deletes it at the end of this up; adoptTokenId and onNameConflict do not apply to a replacement`;
}

function selfAdoptionWarning(name: string, id: string, urn: string): string {
    return `warning: PersonalAccessToken "${name}": its replacement adopted the same token ${id} (onNameConflict "adopt" or adoptTokenId): the engine had not read the token before this up (a state written before the plugin asked it to), so the create could not tell a replacement from a new resource. ${id} is not deleted: it and the secret its users hold keep working, and the stack's secret output is empty. The engine reads this token before each update from now on: run pulumi up --replace ${urn} again to revoke ${id} and get a new token whose secret is in the state`;
}

/** The outputs of a token read by id alone: adopted, its secret unknown, its values the API's. */
function importedOutputs(record: TokenRecord, version: ApiVersion): TokenOutputs {
    return {
        ...outputsFrom(record, { name: record.name, apiVersion: version }, ""),
        adoptTokenId: record.id,
    };
}

function importNotice(outputs: TokenOutputs): string {
    return `PersonalAccessToken "${outputs.name}": token ${String(outputs.adoptTokenId)} is imported as an adopted token: the next pulumi up keeps it and its users' secret (no replacement); its secret output is empty (secretKnown false), since the API shows a secret only at creation. To get a new token whose secret is in the state, set replaceIfSecretUnknown: true`;
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

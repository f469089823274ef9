// The six lifecycle methods the Pulumi engine calls: thin glue between validation, planning and
// the client. Nothing is read from the surroundings at construction; settings are resolved when an
// operation runs, from configure()'s stack config or the environment.
import type * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, keepAdoption } from "../create/adopt";
import type { ApiVersion, CreateTokenRequest, CreatedTokenRecord, TokenRecord } from "../../wire/api-types";
import { clientFor, type IscPatClient } from "../isc-client/client";
import { systemNow } from "../rules/clock";
import {
    resolveConnection,
    resolveDefaultApiVersion,
    type ConfigSource,
    type Environment,
} from "../isc-client/config";
import { AmbiguousOutcomeError, IscApiError, TokenInitializationError } from "../isc-client/errors";
import type { RetryPolicy } from "../isc-client/retry";
import type { PacingLimits } from "../isc-client/pacing";
import {
    exhaustedMessage,
    foreignTokenMessage,
    judgeSameNamed,
    unverifiedMessage,
} from "../rules/lost-create";
import { createRequestFrom, inputsFrom, outputsFrom } from "../rules/outputs";
import { planDiff, planPatch, staleExpiryWarning } from "../rules/plan";
import { printable, scrub } from "../isc-client/redact";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { PROVIDER_KEY, validateInputs } from "../rules/validate";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS } from "../rules/versions";

type CheckResult = pulumi.dynamic.CheckResult<CheckedInputs>;
type DiffResult = pulumi.dynamic.DiffResult;
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

/** How many times a create whose outcome was lost is tried again. */
const CREATE_ROUNDS = 3;
/** How many lists (each with the transport's retries) may find out what a lost create made. */
const LOSS_LISTS = 3;
/** A create's checked inputs, and the engine's serialized provider that came with them. */
interface Declared {
    inputs: CheckedInputs;
    serializedProvider?: string;
}

export class PersonalAccessTokenProvider implements pulumi.dynamic.ResourceProvider {
    private config?: ConfigSource;
    /** adoptTokenIds of resources that exist (seen by diff): a create for one of them is a replacement. */
    private readonly adoptionsDone = new Set<string>();

    constructor(private readonly options: ProviderOptions = {}) {}

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.config = req.config;
    }

    /** `olds` are the inputs in state: an expirationDate they already held is not judged again. */
    async check(olds: unknown, news: Record<string, unknown>): Promise<CheckResult> {
        const prior = olds && typeof olds === "object" ? (olds as Record<string, unknown>) : undefined;
        let defaultApiVersion: ApiVersion;
        try {
            defaultApiVersion = resolveDefaultApiVersion(this.config);
        } catch (error) {
            const { inputs } = validateInputs(news, { now: this.now(), defaultApiVersion: "v1", prior });
            return { inputs, failures: [{ property: "apiVersion", reason: (error as Error).message }] };
        }
        const { inputs, failures } = validateInputs(news, { now: this.now(), defaultApiVersion, prior });
        // Reasons may quote a property name or value: the engine prints them, so escape control characters.
        const shown = failures.map((f) => ({ property: printable(f.property), reason: printable(f.reason) }));
        return { inputs, failures: shown };
    }

    async diff(_id: string, olds: TokenOutputs, news: CheckedInputs): Promise<DiffResult> {
        for (const adopted of [news.adoptTokenId, olds.adoptTokenId]) {
            if (typeof adopted === "string") this.adoptionsDone.add(adopted);
        }
        const now = this.now();
        const plan = planDiff(olds, news, now);
        // A dynamic provider's diff cannot carry a message; what it prints shows in the preview.
        if (plan.renewal) this.notify(`PersonalAccessToken "${news.name}": ${plan.renewal}`);
        const stale = staleExpiryWarning(olds, news, now);
        if (stale) this.notify(`PersonalAccessToken "${news.name}": ${stale}`);
        return {
            changes: plan.changes,
            replaces: plan.replaces,
            deleteBeforeReplace: plan.deleteBeforeReplace,
        };
    }

    async create(unchecked: CheckedInputs): Promise<CreateResult> {
        const inputs = this.validated(unchecked);
        // Validation drops the engine's serialized provider; the initialization-failed path needs it.
        const serialized = (unchecked as unknown as Record<string, unknown>)[PROVIDER_KEY];
        const declared = {
            inputs,
            serializedProvider: typeof serialized === "string" ? serialized : undefined,
        };
        const client = this.client();
        // Adoption and name conflicts: provider/adopt.ts; the POST itself: createExactlyOnce.
        return createOrAdopt(client, inputs, this.now(), this.adoptionsDone, async () => {
            const record = await this.createExactlyOnce(
                client,
                declared,
                createRequestFrom(inputs, this.now()),
            );
            return { id: record.id, outs: outputsFrom(record, inputs, record.secret) };
        });
    }

    async read(id: string, prior?: TokenOutputs): Promise<ReadResult> {
        const props = prior ?? ({} as Partial<TokenOutputs> as TokenOutputs);
        const version = props.apiVersion ?? resolveDefaultApiVersion(this.config);
        const owner = props.owner?.id ?? "me";
        // Only a successful list that lacks the id means "gone"; any failure throws.
        const record = (await this.client().listShared(version, owner)).get(id);
        if (!record) return {};
        const declared =
            props.name !== undefined ? inputsFrom(props) : { name: record.name, apiVersion: version };
        const outputs = keepAdoption(props, outputsFrom(record, declared, props.secret ?? ""));
        return { id, props: outputs, inputs: inputsFrom(outputs) };
    }

    async update(id: string, olds: TokenOutputs, unchecked: CheckedInputs): Promise<UpdateResult> {
        // An unchanged declared date that has passed since must not block an unrelated change.
        const news = this.validated(unchecked, olds);
        const operations = planPatch(olds, news, this.now());
        const record: TokenRecord =
            operations.length > 0
                ? await this.client().patch(news.apiVersion, id, operations)
                : recordFrom(id, olds);
        return { outs: keepAdoption(olds, outputsFrom(record, news, olds.secret)) };
    }

    async delete(id: string, props: TokenOutputs): Promise<void> {
        await this.client().delete(props.apiVersion ?? resolveDefaultApiVersion(this.config), id);
    }

    /**
     * One POST; when its outcome is lost (connection reset after sending, timeout, 5xx, a 200 that
     * is not the token), find out whether the token was made. A token this provider can prove it
     * made (see lost-create.ts) has a secret that can never be known: it is deleted and the create
     * is made again. Ends with one live token whose secret we hold, or an error that says what is
     * at the API; a token the provider cannot prove it made is never deleted.
     */
    private async createExactlyOnce(
        client: IscPatClient,
        declared: Declared,
        body: CreateTokenRequest,
    ): Promise<CreatedTokenRecord> {
        const version = declared.inputs.apiVersion;
        let startedAtLocalMs: number | undefined;
        const deleted: TokenRecord[] = [];
        for (let round = 1; ; round++) {
            startedAtLocalMs ??= Date.now();
            let cause: Error;
            try {
                return await client.create(version, body);
            } catch (error) {
                // After a lost create, a refusal may be the name clash with the lost one's token,
                // which the API may have made only after we looked: look again.
                const afterLoss = round > 1 && error instanceof IscApiError && error.status === 400;
                if (!(error instanceof AmbiguousOutcomeError) && !afterLoss) throw error;
                cause = error as Error;
            }
            const firstSent = startedAtLocalMs;
            const tokens = await this.listAfterLoss(client, version, body.name, cause, firstSent);
            const listedAtServerMs = client.serverClock.serverTimeAtLeast(Date.now());
            const judged = judgeSameNamed(
                tokens,
                body,
                version,
                client.serverClock.serverTimeAtLeast(firstSent),
            );
            const foreign = judged.find((j) => !j.ours);
            if (foreign) throw new Error(scrub(foreignTokenMessage(cause.message, version, foreign)));
            for (const { token } of judged) {
                await this.deleteUnknowable(client, declared, token);
                deleted.push(token);
            }
            if (round >= CREATE_ROUNDS) {
                throw new Error(scrub(exhaustedMessage(cause.message, round, deleted, listedAtServerMs)));
            }
        }
    }

    /** The owner's tokens after a lost create; the list is tried again before giving up. */
    private async listAfterLoss(
        client: IscPatClient,
        version: ApiVersion,
        name: string,
        cause: Error,
        startedAtLocalMs: number,
    ): Promise<TokenRecord[]> {
        for (let attempt = 1; ; attempt++) {
            try {
                return await client.list(version, { ownerId: "me" });
            } catch (error) {
                if (attempt >= LOSS_LISTS) {
                    const since = client.serverClock.serverTimeAtLeast(startedAtLocalMs);
                    throw new Error(
                        scrub(
                            unverifiedMessage(
                                cause.message,
                                (error as Error).message,
                                version,
                                name,
                                since,
                                startedAtLocalMs,
                            ),
                        ),
                    );
                }
            }
        }
    }

    private async deleteUnknowable(
        client: IscPatClient,
        declared: Declared,
        token: TokenRecord,
    ): Promise<void> {
        const { inputs, serializedProvider } = declared;
        try {
            await client.delete(inputs.apiVersion, token.id);
        } catch (error) {
            // The engine records these as the resource's outputs. The dynamic-provider host adds its
            // serialized provider to a successful create's outputs, not to these: without it no later
            // up, refresh or destroy could load the provider, so it is added here.
            const properties = {
                ...outputsFrom(token, inputs, ""),
                ...(serializedProvider ? { [PROVIDER_KEY]: serializedProvider } : {}),
            };
            const message = scrub(
                `Token "${token.name}" (id ${token.id}, created ${token.created}) was created but its secret was lost in transit, and deleting it failed: ${(error as Error).message}. It is kept in the state without a secret; the next pulumi up replaces it (or pulumi destroy deletes it)`,
            );
            // The engine shows the reasons, not the message: both say it all.
            throw new TokenInitializationError(message, token.id, properties, [message]);
        }
    }

    /**
     * The engine calls check() first, but the class is usable on its own: create and update check
     * again (microseconds, no I/O), so that nothing unvalidated is sent.
     */
    private validated(inputs: CheckedInputs, prior?: TokenOutputs): CheckedInputs {
        const checked = validateInputs(inputs as unknown as Record<string, unknown>, {
            now: this.now(),
            defaultApiVersion: resolveDefaultApiVersion(this.config),
            prior: prior as unknown as Record<string, unknown> | undefined,
        });
        if (checked.failures.length > 0) {
            const reasons = checked.failures.map((f) => `${f.property} ${f.reason}`).join("; ");
            throw new Error(scrub(`PersonalAccessToken inputs are not valid (nothing was sent): ${reasons}`));
        }
        return checked.inputs;
    }

    private client(): IscPatClient {
        const env = this.options.env ? this.options.env() : process.env;
        return clientFor(
            resolveConnection(this.config, env),
            this.options.retryPolicy,
            this.options.rateLimit,
        );
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

/** A token record rebuilt from state, for an update that needs no request (e.g. apiVersion alone). */
function recordFrom(id: string, olds: TokenOutputs): TokenRecord {
    return {
        id,
        name: olds.tokenName ?? olds.name,
        scope: olds.scope ?? null,
        owner: olds.owner,
        created: olds.created,
        lastUsed: olds.lastUsed,
        managed: olds.managed,
        accessTokenValiditySeconds: olds.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS,
        expirationDate: olds.expirationDate ?? null,
        userAwareTokenNeverExpires: olds.userAwareTokenNeverExpires,
    };
}

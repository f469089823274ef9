// The six lifecycle methods the Pulumi engine calls: thin glue between validation, planning and
// the client. Nothing is read from the surroundings at construction; settings are resolved when an
// operation runs, from configure()'s stack config or the environment.
import type * as pulumi from "@pulumi/pulumi";
import type { ApiVersion, CreateTokenRequest, CreatedTokenRecord, TokenRecord } from "./api-types";
import { clientFor, type IscPatClient } from "./client";
import { systemNow } from "./clock";
import { resolveConnection, resolveDefaultApiVersion, type ConfigSource, type Environment } from "./config";
import { AmbiguousOutcomeError, IscApiError } from "./errors";
import type { RetryPolicy } from "./http";
import type { PacingLimits } from "./pacing";
import { createRequestFrom, inputsFrom, outputsFrom } from "./outputs";
import { planDiff, planPatch, staleExpiryWarning } from "./plan";
import { printable, scrub } from "./redact";
import type { CheckedInputs, TokenOutputs } from "./types";
import { validateInputs } from "./validate";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS } from "./versions";

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
/** Tokens of the right name created this close to a lost create are taken to be its work. */
const CREATE_CLOCK_SKEW_MS = 120_000;

/**
 * Thrown when a token exists but could not be made whole; the engine records it (by id) as a
 * resource that failed to initialize, so it is tracked rather than orphaned.
 */
export class TokenInitializationError extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Partial<TokenOutputs>,
        readonly reasons: string[],
    ) {
        super(scrub(message));
        this.name = "TokenInitializationError";
    }
}

export class PersonalAccessTokenProvider implements pulumi.dynamic.ResourceProvider {
    private config?: ConfigSource;

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
        const record = await this.createExactlyOnce(
            this.client(),
            inputs.apiVersion,
            createRequestFrom(inputs, this.now()),
        );
        return { id: record.id, outs: outputsFrom(record, inputs, record.secret) };
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
        const outputs = outputsFrom(record, declared, props.secret ?? "");
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
        return { outs: outputsFrom(record, news, olds.secret) };
    }

    async delete(id: string, props: TokenOutputs): Promise<void> {
        await this.client().delete(props.apiVersion ?? resolveDefaultApiVersion(this.config), id);
    }

    /**
     * One POST; when its outcome is lost (connection reset after sending, timeout), find out
     * whether the token was made. Names are unique per owner, so a token of this name made just
     * now is the lost create's work: its secret can never be known, so it is deleted and the
     * create is made again. Ends with one live token whose secret we hold, or a clean failure.
     */
    private async createExactlyOnce(
        client: IscPatClient,
        version: ApiVersion,
        body: CreateTokenRequest,
    ): Promise<CreatedTokenRecord> {
        let firstAttemptAt: number | undefined;
        for (let round = 1; ; round++) {
            firstAttemptAt ??= Date.now();
            try {
                return await client.create(version, body);
            } catch (error) {
                // After a lost create, a refusal may be the name clash with the lost one's token,
                // which the API may have made only after we looked: look again.
                const afterLoss = round > 1 && error instanceof IscApiError && error.status === 400;
                if (!(error instanceof AmbiguousOutcomeError) && !afterLoss) throw error;
                const startedAt = firstAttemptAt;
                const made = (await client.list(version, { ownerId: "me" })).filter(
                    (t) => t.name === body.name && Date.parse(t.created) >= startedAt - CREATE_CLOCK_SKEW_MS,
                );
                for (const token of made) await this.deleteUnknowable(client, version, token);
                if (round >= CREATE_ROUNDS) {
                    throw new Error(
                        scrub(
                            `${(error as Error).message}. Tried ${round} times; no token named "${body.name}" was left behind. Run pulumi up again when the API is reachable`,
                        ),
                    );
                }
            }
        }
    }

    private async deleteUnknowable(
        client: IscPatClient,
        version: ApiVersion,
        token: TokenRecord,
    ): Promise<void> {
        try {
            await client.delete(version, token.id);
        } catch (error) {
            throw new TokenInitializationError(
                `Token "${token.name}" (${token.id}) was created but its secret was lost in transit, and deleting it failed: ${(error as Error).message}. It is kept in the state without a secret; the next pulumi up replaces it`,
                token.id,
                { ...outputsFrom(token, { name: token.name, apiVersion: version }, ""), secret: "" },
                ["the create response, which carries the only copy of the secret, was lost"],
            );
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

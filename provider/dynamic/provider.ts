// The dynamic door: the core's operations (lifecycle/operations.ts) in the shape of Pulumi's dynamic
// ResourceProvider (positional arguments, its result types). The engine's serialized provider rides
// along with a dynamic resource's properties under `__provider`: it is taken off here on the way in
// and stays this door's business. The dynamic-provider host puts it back on every result, except on
// an initialization failure's properties, where this door adds it.
import type * as pulumi from "@pulumi/pulumi";
import { TokenInitializationError } from "../isc-client/errors";
import { timedCall } from "../isc-client/timing";
import { TokenLifecycle, type ProviderConfiguration, type ProviderOptions } from "../lifecycle/provider";
import type { TokenInputs, TokenOutputs } from "../rules/types";

/** The engine's own key for the serialized provider, among a dynamic resource's properties. */
export const PROVIDER_KEY = "__provider";

/** The properties without the serialized provider (the argument is not changed). */
export function withoutProvider<T extends object>(properties: T): T {
    const copy = { ...properties };
    Reflect.deleteProperty(copy, PROVIDER_KEY);
    return copy;
}

/**
 * The host records an initialization failure's properties as the resource's outputs, and adds its
 * serialized provider to a successful create's outputs only: without it no later up, refresh or
 * destroy could load the provider, so it is added here.
 */
function withProviderOnFailure(error: unknown, serialized: unknown): unknown {
    if (!(error instanceof TokenInitializationError) || typeof serialized !== "string") return error;
    const properties = Object.assign({}, error.properties, { [PROVIDER_KEY]: serialized });
    return new TokenInitializationError(error.message, error.id, properties, error.reasons);
}

/** pulumi.dynamic.ReadResult, its inputs typed as inputs; empty when the token is gone. */
export interface DynamicReadResult {
    id?: string;
    props?: TokenOutputs;
    inputs?: TokenInputs;
}

/** The dynamic door over one core: what provider/serialized-provider's functions call, and embeddings. */
export class PersonalAccessTokenProvider {
    private readonly core: TokenLifecycle;

    constructor(options: ProviderOptions = {}) {
        this.core = new TokenLifecycle(options);
    }

    configure(configuration: ProviderConfiguration): Promise<void> {
        return this.core.configure(configuration);
    }

    /** `olds` are the inputs in state: an expirationDate they already held is not judged again. */
    async check(
        olds: unknown,
        news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult<TokenInputs>> {
        const prior = olds && typeof olds === "object" ? withoutProvider(olds) : undefined;
        return this.core.check({ olds: prior, news: withoutProvider(news) });
    }

    async diff(id: string, olds: TokenOutputs, news: TokenInputs): Promise<pulumi.dynamic.DiffResult> {
        return this.core.diff({ id, olds: withoutProvider(olds), news: withoutProvider(news) });
    }

    async create(inputs: TokenInputs): Promise<pulumi.dynamic.CreateResult<TokenOutputs>> {
        const serialized: unknown = Reflect.get(inputs, PROVIDER_KEY);
        try {
            return await timedCall("create", () => this.core.create({ inputs: withoutProvider(inputs) }));
        } catch (error) {
            throw withProviderOnFailure(error, serialized);
        }
    }

    /** A read by id alone (`pulumi import`) brings only the serialized provider. */
    async read(id: string, props?: TokenOutputs): Promise<DynamicReadResult> {
        const read = await timedCall("read", () =>
            this.core.read({ id, prior: props && withoutProvider(props) }),
        );
        return read ?? {};
    }

    async update(
        id: string,
        olds: TokenOutputs,
        news: TokenInputs,
    ): Promise<pulumi.dynamic.UpdateResult<TokenOutputs>> {
        return timedCall("update", () =>
            this.core.update({ id, olds: withoutProvider(olds), news: withoutProvider(news) }),
        );
    }

    async delete(id: string, props: TokenOutputs): Promise<void> {
        return timedCall("delete", () => this.core.delete({ id, props: withoutProvider(props) }));
    }
}

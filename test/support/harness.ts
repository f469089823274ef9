// Shared set-up: an in-process emulator on 127.0.0.1 and providers pointed at it.
import { randomBytes } from "node:crypto";
import { IscEmulator, type EmulatorOptions } from "../../emulator";
import { PersonalAccessTokenProvider, type ProviderOptions } from "../../provider";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import type { RetryPolicy } from "../../provider/isc-client/retry";
import { BearerTokenSource } from "../../provider/isc-client/auth";
import { HttpTransport, type HttpRequest } from "../../provider/isc-client/http";
import { RequestPacer } from "../../provider/isc-client/pacing";
import { hygiene } from "./hygiene";
import { DAY } from "./time";

/** Quick retries and timeouts, so fault tests stay short. */
export const FAST_RETRIES: RetryPolicy = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 1_000 };

/**
 * FAST_RETRIES with a timeout no loaded machine reaches: for answers of many MiB, which on a busy
 * machine take longer than FAST_RETRIES' second to arrive; a timeout would be retried and the
 * one-shot fault would then answer well, so the test would see a success it did not mean to test.
 */
export const PATIENT_RETRIES: RetryPolicy = { ...FAST_RETRIES, timeoutMs: 120_000 };

/** The emulator in most tests has no rate limit: neither need the provider pace itself. */
export const NO_PACING = { requests: 1_000_000, windowMs: 10_000 };

/** A bearer-token source for the harness's API client: fast retries, no pacing. */
export function bearerTokenSource(h: Harness, policy: RetryPolicy = FAST_RETRIES): BearerTokenSource {
    const transport = new HttpTransport(policy, new RequestPacer(NO_PACING));
    return new BearerTokenSource(
        { baseUrl: h.emulator.baseUrl, clientId: h.clientId, clientSecret: h.clientSecret },
        transport,
    );
}

/** A list of the v3 tokens as the transport sends it, with a bearer token, in budget `budget`. */
export function listRequest(h: Harness, bearer: string, budget: string): HttpRequest {
    return {
        operation: "list personal access tokens",
        method: "GET",
        url: `${h.emulator.baseUrl}/v3/personal-access-tokens`,
        displayPath: "/v3/personal-access-tokens",
        headers: { authorization: `Bearer ${bearer}` },
        idempotent: true,
        budget,
    };
}

export interface Harness {
    emulator: IscEmulator;
    clientId: string;
    clientSecret: string;
    /** The identity the API client acts as: the owner of every token the provider makes. */
    identityId: string;
    env: Record<string, string>;
    provider(options?: Partial<ProviderOptions>): PersonalAccessTokenProvider;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
    const clientId = `client-${randomBytes(4).toString("hex")}`;
    const clientSecret = randomBytes(24).toString("hex");
    hygiene.secret(clientSecret);
    const identityId = randomBytes(16).toString("hex");
    const emulator = await IscEmulator.start({
        rateLimit: false,
        // Every generation's secret, whether a test reads it or not, is checked for in every text.
        onSecretIssued: (secret) => hygiene.secret(secret),
        ...options,
        clients: [{ clientId, clientSecret, identity: { id: identityId, name: `API Client ${clientId}` } }],
    });
    const env = {
        SAIL_BASE_URL: emulator.baseUrl,
        SAIL_CLIENT_ID: clientId,
        SAIL_CLIENT_SECRET: clientSecret,
    };
    return {
        emulator,
        clientId,
        clientSecret,
        identityId,
        env,
        provider: (overrides = {}) =>
            new PersonalAccessTokenProvider({
                env: () => env,
                retryPolicy: FAST_RETRIES,
                rateLimit: NO_PACING,
                ...overrides,
            }),
    };
}

/** check + create, as the engine does for a new resource; registers the secret for hygiene. */
export async function createToken(
    provider: PersonalAccessTokenProvider,
    raw: Record<string, unknown>,
): Promise<{ id: string; inputs: CheckedInputs; outs: TokenOutputs }> {
    const { inputs, failures } = await provider.check({}, raw);
    if (failures && failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
    const created = await provider.create(inputs as CheckedInputs);
    hygiene.secret(created.outs?.secret);
    return { id: created.id, inputs: inputs as CheckedInputs, outs: created.outs as TokenOutputs };
}

/** Runs a promise that must fail; returns the error after recording it for the hygiene check. */
export async function failure(source: string, promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return hygiene.error(source, error as Error);
    }
    throw new Error(`${source}: expected a failure, got success`);
}

/**
 * An instant `days` after `from`, by default after the start of the current minute: calls a moment
 * apart in one test (a create, then the same declaration checked again) give the same instant, as a
 * program's constant does, unless a minute boundary falls between them (a second boundary often did).
 */
export function inDays(days: number, from = new Date(Math.floor(Date.now() / 60_000) * 60_000)): string {
    return new Date(from.getTime() + days * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An emulator for a suite, made before it (or before each test) and stopped after. Read `.h` in tests. */
export function useHarness(options: { perTest?: boolean; emulator?: EmulatorOptions } = {}): { h: Harness } {
    const context = {} as { h: Harness };
    const setUp = async () => {
        context.h = await startHarness(options.emulator);
    };
    const tearDown = async () => {
        await context.h?.emulator.stop();
    };
    aroundSuite(options.perTest ?? false, setUp, tearDown);
    return context;
}

/** Registers set-up and tear-down around the suite, or around each of its tests. */
export function aroundSuite(
    perTest: boolean,
    setUp: () => Promise<void>,
    tearDown: () => Promise<void>,
): void {
    if (perTest) {
        beforeEach(setUp);
        afterEach(tearDown);
    } else {
        before(setUp);
        after(tearDown);
    }
}

// The ResourceProvider gRPC service of the plugin pulumi-resource-iscpat: a second door on the
// lifecycle the dynamic provider serves. Every resource call goes to one PersonalAccessTokenProvider
// (the engine starts one plugin process per provider instance, so one per tenant and API client);
// this file only translates: protobuf Structs to plain values and back (secrets unwrapped and
// re-marked, values.ts), check failures to CheckFailures, thrown errors to gRPC errors with the
// lifecycle's scrubbed message. Configure's settings reach the lifecycle as its ConfigSource.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TokenLifecycle, type ProviderOptions } from "../lifecycle/provider";
import { readBeforeEachUpdate } from "../create/same-name";
import type { EngineLog } from "./engine-log";
import { TokenInitializationError } from "../isc-client/errors";
import { registerSecret, scrub } from "../isc-client/redact";
import { INPUT_NAMES } from "../rules/types";
import { any, empty, grpc, plugin, provider as pb, status, struct, type GrpcJs } from "./grpc";
import { packageSchema, RESOURCE_TOKEN, SECRET_OUTPUTS } from "./package-schema";
import {
    checkedSettings,
    checkSettings,
    diffSettings,
    FROM_ENVIRONMENT,
    placeOf,
    settingsFrom,
    type Effective,
} from "./settings";
import { resolveConnection, type EnvironmentRecord } from "../isc-client/config";
import { ConfigurationError } from "../isc-client/errors";
import { sameTenantAndIdentity } from "../isc-client/client";
import { envVariable } from "../isc-client/settings";
import { timedCall } from "../isc-client/timing";
import { unwrap, wrap, type Properties } from "./values";

type Struct = InstanceType<typeof struct.Struct>;
type Empty = InstanceType<typeof empty.Empty>;

/** Written in by the bundler (scripts/bundle-plugin.ts): the bundled plugin has no package.json beside it. */
declare const ISC_PAT_BUNDLED_VERSION: string | undefined;

/** The package's version: the plugin's, and the schema's. */
export function packageVersion(): string {
    if (typeof ISC_PAT_BUNDLED_VERSION === "string") return ISC_PAT_BUNDLED_VERSION;
    const manifest = join(__dirname, "..", "..", "..", "package.json");
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

function toJs(value: Struct | undefined): Properties {
    return (value?.toJavaScript() ?? {}) as Properties;
}

function toStruct(properties: Properties): Struct {
    return struct.Struct.fromJavaScript(properties as Parameters<typeof struct.Struct.fromJavaScript>[0]);
}

/** A thrown error as the engine should show it: the lifecycle's message, scrubbed. */
export function grpcError(error: unknown): GrpcJs.ServerErrorResponse {
    const raw = error instanceof Error ? error.message : String(error);
    const message = scrub(raw);
    const metadata = new grpc.Metadata();
    if (error instanceof TokenInitializationError) {
        // A token that exists but could not be made whole: the engine records it by id (as the
        // dynamic door does), so that it is tracked rather than orphaned.
        const detail = new pb.ErrorResourceInitFailed();
        detail.setId(error.id);
        detail.setProperties(toStruct(wrap(error.properties, SECRET_OUTPUTS)));
        detail.setReasonsList(error.reasons.map((reason) => scrub(reason)));
        const packed = new any.Any();
        packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
        const answer = new status.Status();
        answer.setCode(grpc.status.UNKNOWN);
        answer.setMessage(message);
        answer.addDetails(packed);
        metadata.add("grpc-status-details-bin", Buffer.from(answer.serializeBinary()));
    }
    return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata });
}

function unimplemented(method: string): GrpcJs.ServerErrorResponse {
    const message = `${method} is not implemented by the ${RESOURCE_TOKEN} plugin`;
    return Object.assign(new Error(message), { code: grpc.status.UNIMPLEMENTED, details: message });
}

/** A unary handler from a promise-returning function; a rejection becomes the gRPC error. */
function unary<Req, Res>(handle: (request: Req) => Promise<Res>): GrpcJs.handleUnaryCall<Req, Res> {
    return (call, callback) => {
        handle(call.request).then(
            (response) => callback(null, response),
            (error: unknown) => {
                const answer = grpcError(error);
                callback(answer, null, answer.metadata);
            },
        );
    };
}

function refuse<Req, Res>(method: string): GrpcJs.handleUnaryCall<Req, Res> {
    return (_call, callback) => callback(unimplemented(method), null);
}

function requireType(type: string, urn: string): void {
    if (type !== "" && type !== RESOURCE_TOKEN) {
        throw new Error(`unknown resource type ${type} (${urn}): this plugin serves ${RESOURCE_TOKEN}`);
    }
}

/**
 * The service: one per plugin process, that is one per provider instance. `log`: the engine's Log
 * service (the plugin's first argument), where notices go so that the CLI shows them.
 */
export function resourceProviderService(
    options: ProviderOptions = {},
    log?: EngineLog,
): GrpcJs.UntypedServiceImplementation {
    const lifecycle = new TokenLifecycle({
        // Notices (renewal due, a kept token): the engine shows its Log; stderr only in its verbose log.
        notify: (message) => {
            process.stderr.write(`${message}\n`);
            log?.log(message);
        },
        ...options,
    });
    /**
     * A resource operation `call`: its notices name the resource, and are sent before the answer; its
     * requests are timed from its arrival when the benchmark asks (isc-client/timing.ts).
     */
    const about = <Req extends { getUrn(): string }, Res>(
        call: string,
        handle: (request: Req) => Promise<Res>,
    ) =>
        unary<Req, Res>((request) =>
            timedCall(call, () =>
                log ? log.about(request.getUrn(), () => handle(request)) : handle(request),
            ),
        );
    const version = packageVersion();

    return {
        getPluginInfo: unary<Empty, InstanceType<typeof plugin.PluginInfo>>(async () => {
            const info = new plugin.PluginInfo();
            info.setVersion(version);
            return info;
        }),
        getSchema: unary(async () => {
            const response = new pb.GetSchemaResponse();
            response.setSchema(JSON.stringify(packageSchema(version)));
            return response;
        }),
        checkConfig: unary(async (request: InstanceType<typeof pb.CheckRequest>) => {
            const news = unwrap(toJs(request.getNews()));
            const response = new pb.CheckResponse();
            // The client secret is a secret in the state whether or not the program marked it so.
            const inputs = checkedSettings(news.values, process.env);
            response.setInputs(toStruct(wrap(inputs, [...news.secrets, "clientSecret"])));
            response.setFailuresList(checkSettings(news.values, placeOf(request.getUrn())).map(failure));
            return response;
        }),
        diffConfig: unary(async (request: InstanceType<typeof pb.DiffRequest>) => {
            const olds = unwrap(toJs(request.hasOldInputs() ? request.getOldInputs() : request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const diff = diffSettings(olds.values, news.values);
            if (diff.environmentMoved) throw new ConfigurationError(environmentMoved(diff.environmentMoved));
            const place = placeOf(request.getUrn());
            // Another URL or API client: the same tenant and identity (an alias) changes the provider in
            // place; any other replaces it, so that its tokens are made anew there and deleted here. Each
            // side connects from its own source: its settings, or this process's SAIL_* (a side that took
            // them must still name the tenant and client it recorded, else it cannot be asked: replaced).
            const replaced =
                diff.moved &&
                !(await sameConnection(olds.values, news.values, (inputs) =>
                    resolveConnection(
                        settingsFrom(inputs, new Map()),
                        place,
                        process.env,
                        inputs[FROM_ENVIRONMENT] as EnvironmentRecord | undefined,
                    ),
                ));
            const response = new pb.DiffResponse();
            response.setChanges(
                diff.changed.length > 0
                    ? pb.DiffResponse.DiffChanges.DIFF_SOME
                    : pb.DiffResponse.DiffChanges.DIFF_NONE,
            );
            response.setDiffsList(diff.changed);
            const keys = diff.changed.filter((name) => name === "baseUrl" || name === "clientId");
            response.setReplacesList(replaced ? (keys.length > 0 ? keys : ["baseUrl"]) : []);
            return response;
        }),
        configure: unary(async (request: InstanceType<typeof pb.ConfigureRequest>) => {
            const args = request.hasArgs() ? unwrap(toJs(request.getArgs())).values : undefined;
            const given = settingsFrom(args, new Map(request.getVariablesMap().toObject()));
            registerSecret(given.clientSecret);
            const recorded = args?.[FROM_ENVIRONMENT];
            await lifecycle.configure({
                given,
                place: placeOf(request.getUrn() || (request.getName() ?? "")),
                ...(recorded && typeof recorded === "object" ? { fromEnvironment: recorded } : {}),
            });
            const response = new pb.ConfigureResponse();
            response.setAcceptsecrets(true);
            // Create and Update are not called at preview: the engine shows the inputs, as it does for
            // the dynamic door, and nothing is sent.
            response.setSupportspreview(false);
            return response;
        }),
        check: about("check", async (request: InstanceType<typeof pb.CheckRequest>) => {
            requireType(request.getType(), request.getUrn());
            const olds = unwrap(toJs(request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const prior = Object.keys(olds.values).length > 0 ? olds.values : undefined;
            const result = await lifecycle.check({ olds: prior, news: news.values, urn: request.getUrn() });
            const response = new pb.CheckResponse();
            response.setInputs(toStruct(wrap(result.inputs, news.secrets)));
            response.setFailuresList(result.failures.map(failure));
            return response;
        }),
        diff: about("diff", async (request: InstanceType<typeof pb.DiffRequest>) => {
            requireType(request.getType(), request.getUrn());
            const result = await lifecycle.diff({
                id: request.getId(),
                olds: unwrap(toJs(request.getOlds())).values,
                news: unwrap(toJs(request.getNews())).values,
                urn: request.getUrn(),
            });
            const response = new pb.DiffResponse();
            const { DIFF_SOME, DIFF_NONE } = pb.DiffResponse.DiffChanges;
            response.setChanges(result.changes ? DIFF_SOME : DIFF_NONE);
            response.setReplacesList(result.replaces);
            response.setDeletebeforereplace(result.deleteBeforeReplace);
            // Exactly what changes, as the rules judge it (dates as instants, scopes as sets): without
            // it the engine shows a text diff of the inputs, where another spelling of a date differs.
            setDetailedDiff(response, result.diffs, result.replaces);
            return response;
        }),
        create: about("create", async (request: InstanceType<typeof pb.CreateRequest>) => {
            requireType(request.getType(), request.getUrn());
            const response = new pb.CreateResponse();
            if (request.getPreview()) {
                // Not asked for (supportsPreview is false); were it, nothing may be sent.
                response.setProperties(request.getProperties());
                return response;
            }
            const inputs = unwrap(toJs(request.getProperties()));
            const created = await lifecycle.create({ inputs: inputs.values, urn: request.getUrn() });
            response.setId(created.id);
            response.setProperties(toStruct(wrap(created.outs, [...SECRET_OUTPUTS, ...inputs.secrets])));
            response.setRefreshBeforeUpdate(readBeforeEachUpdate(inputs.values, created.outs));
            return response;
        }),
        read: about("read", async (request: InstanceType<typeof pb.ReadRequest>) => {
            requireType(request.getType(), request.getUrn());
            const props = unwrap(toJs(request.getProperties()));
            const inputs = unwrap(toJs(request.getInputs()));
            const known = Object.keys(props.values).length > 0;
            const result = await lifecycle.read({
                id: request.getId(),
                prior: known ? props.values : undefined,
                urn: request.getUrn(),
                // The engine diffs a refreshed resource at once to show the refresh, unless told not to.
                diffFollows: !/^(1|true)$/i.test(process.env.PULUMI_ENABLE_LEGACY_REFRESH_DIFF ?? ""),
            });
            const response = new pb.ReadResponse();
            // No id: the token is gone (only a successful list that lacks it says so).
            if (result === undefined) return response;
            const secrets = [...SECRET_OUTPUTS, ...props.secrets, ...inputs.secrets];
            response.setId(result.id);
            response.setProperties(toStruct(wrap(result.props, secrets)));
            response.setInputs(toStruct(wrap(result.inputs, secrets)));
            response.setRefreshBeforeUpdate(readBeforeEachUpdate(inputs.values, result.props ?? {}));
            return response;
        }),
        update: about("update", async (request: InstanceType<typeof pb.UpdateRequest>) => {
            requireType(request.getType(), request.getUrn());
            const response = new pb.UpdateResponse();
            if (request.getPreview()) {
                response.setProperties(request.getNews());
                return response;
            }
            const olds = unwrap(toJs(request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const updated = await lifecycle.update({
                id: request.getId(),
                olds: olds.values,
                news: news.values,
            });
            response.setProperties(toStruct(wrap(updated.outs, [...SECRET_OUTPUTS, ...news.secrets])));
            response.setRefreshBeforeUpdate(readBeforeEachUpdate(news.values, updated.outs));
            return response;
        }),
        delete: about("delete", async (request: InstanceType<typeof pb.DeleteRequest>) => {
            requireType(request.getType(), request.getUrn());
            const props = unwrap(toJs(request.getProperties()));
            await lifecycle.delete({ id: request.getId(), props: props.values, urn: request.getUrn() });
            return new empty.Empty();
        }),
        // Nothing runs long enough to be cut short: each request is bounded by the client's timeouts.
        cancel: unary(async () => new empty.Empty()),
        getMapping: unary(async () => new pb.GetMappingResponse()),
        getMappings: unary(async () => new pb.GetMappingsResponse()),
        // Optional parts of the protocol this plugin does not take part in: the engine falls back.
        handshake: refuse("Handshake"),
        parameterize: refuse("Parameterize"),
        attach: refuse("Attach"),
        invoke: refuse("Invoke"),
        call: refuse("Call"),
        construct: refuse("Construct"),
        list: (call: GrpcJs.ServerWritableStream<unknown, unknown>) =>
            call.emit("error", unimplemented("List")),
    };
}

/** Each changed property, an input's change or an output's (secret, previousGeneration). */
function setDetailedDiff(
    response: InstanceType<typeof pb.DiffResponse>,
    diffs: readonly string[],
    replaces: readonly string[],
): void {
    const { UPDATE, UPDATE_REPLACE } = pb.PropertyDiff.Kind;
    response.setDiffsList([...diffs]);
    response.setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const key of diffs) {
        const change = new pb.PropertyDiff();
        change.setKind(replaces.includes(key) ? UPDATE_REPLACE : UPDATE);
        change.setInputdiff((INPUT_NAMES as readonly string[]).includes(key));
        detailed.set(key, change);
    }
}

function failure(f: { property: string; reason: string }): InstanceType<typeof pb.CheckFailure> {
    const out = new pb.CheckFailure();
    out.setProperty(f.property);
    out.setReason(f.reason);
    return out;
}

/** Both sides resolve, each from its own source, and reach one tenant as one identity. */
async function sameConnection(
    olds: Properties,
    news: Properties,
    resolve: (inputs: Properties) => ReturnType<typeof resolveConnection>,
): Promise<boolean> {
    try {
        const before = resolve(olds);
        const after = resolve(news);
        return await sameTenantAndIdentity(before, after);
    } catch {
        return false;
    }
}

/** DiffConfig's refusal when the environment a provider takes moved it: no source can act at the old tenant. */
function environmentMoved(moved: { from: Effective; to: Effective }): string {
    const url = envVariable("baseUrl");
    const vars = (["baseUrl", "clientId", "clientSecret"] as const).map(envVariable).join(", ");
    const where = (e: Effective) => `${e.baseUrl ?? "no tenant"} (client ${e.clientId ?? "none"})`;
    return `This provider takes its connection from the environment. At its last update ${url} named ${where(moved.from)}; now its settings name ${where(moved.to)}. Its tokens live at ${moved.from.baseUrl ?? "the old tenant"}, and a provider never sends one tenant's secret to another, so nothing was done. To keep them, set ${vars} back to the old tenant's. To move them, run \`pulumi destroy\` (or remove them from the program and \`pulumi up\`) with the old tenant's settings, then \`pulumi up\` with the new ones.`;
}

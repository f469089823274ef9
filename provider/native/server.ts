// The ResourceProvider gRPC service of the plugin pulumi-resource-iscpat: a second door on the
// lifecycle the dynamic provider serves. Every resource call goes to one PersonalAccessTokenProvider
// (the engine starts one plugin process per provider instance, so one per tenant and API client);
// this file only translates: protobuf Structs to plain values and back (secrets unwrapped and
// re-marked, values.ts), check failures to CheckFailures, thrown errors to gRPC errors with the
// lifecycle's scrubbed message. Configure's settings reach the lifecycle as its ConfigSource.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { PersonalAccessTokenProvider, type ProviderOptions } from "../lifecycle/provider";
import { TokenInitializationError } from "../isc-client/errors";
import { registerSecret, scrub } from "../isc-client/redact";
import { PROVIDER_KEY } from "../rules/validate";
import type { CheckedInputs, TokenOutputs } from "../rules/types";
import { any, empty, grpc, plugin, provider as pb, status, struct, type GrpcJs } from "./grpc";
import { packageSchema, RESOURCE_TOKEN, SECRET_OUTPUTS } from "./package-schema";
import {
    checkSettings,
    configSource,
    diffSettings,
    nativeWording,
    settingsFrom,
    type Settings,
} from "./settings";
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

/** A thrown error as the engine should show it: the lifecycle's message, scrubbed, in this door's words. */
export function grpcError(error: unknown): GrpcJs.ServerErrorResponse {
    const raw = error instanceof Error ? error.message : String(error);
    const message = nativeWording(scrub(raw));
    const metadata = new grpc.Metadata();
    if (error instanceof TokenInitializationError) {
        // A token that exists but could not be made whole: the engine records it by id (as the
        // dynamic door does), so that it is tracked rather than orphaned.
        const detail = new pb.ErrorResourceInitFailed();
        detail.setId(error.id);
        const properties: Properties = { ...error.properties };
        delete properties[PROVIDER_KEY];
        detail.setProperties(toStruct(wrap(properties, SECRET_OUTPUTS)));
        detail.setReasonsList(error.reasons.map((reason) => nativeWording(scrub(reason))));
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

/** The service: one per plugin process, that is one per provider instance. */
export function resourceProviderService(options: ProviderOptions = {}): GrpcJs.UntypedServiceImplementation {
    let settings: Settings = {};
    const lifecycle = new PersonalAccessTokenProvider({
        // Notices (renewal due, a kept token) go to stderr, which the engine shows, in this door's words.
        notify: (message) => process.stderr.write(`${nativeWording(message)}\n`),
        ...options,
    });
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
            response.setInputs(toStruct(wrap(news.values, [...news.secrets, "clientSecret"])));
            response.setFailuresList(checkSettings(news.values).map(failure));
            return response;
        }),
        diffConfig: unary(async (request: InstanceType<typeof pb.DiffRequest>) => {
            const olds = unwrap(toJs(request.hasOldInputs() ? request.getOldInputs() : request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const diff = diffSettings(olds.values, news.values, process.env);
            const response = new pb.DiffResponse();
            response.setChanges(
                diff.changed.length > 0
                    ? pb.DiffResponse.DiffChanges.DIFF_SOME
                    : pb.DiffResponse.DiffChanges.DIFF_NONE,
            );
            response.setDiffsList(diff.changed);
            response.setReplacesList(diff.replaces);
            return response;
        }),
        configure: unary(async (request: InstanceType<typeof pb.ConfigureRequest>) => {
            const args = request.hasArgs() ? unwrap(toJs(request.getArgs())).values : undefined;
            settings = settingsFrom(args, new Map(request.getVariablesMap().toObject()));
            registerSecret(settings.clientSecret);
            await lifecycle.configure({
                config: configSource(settings),
            } as unknown as pulumi.dynamic.ConfigureRequest);
            const response = new pb.ConfigureResponse();
            response.setAcceptsecrets(true);
            // Create and Update are not called at preview: the engine shows the inputs, as it does for
            // the dynamic door, and nothing is sent.
            response.setSupportspreview(false);
            return response;
        }),
        check: unary(async (request: InstanceType<typeof pb.CheckRequest>) => {
            requireType(request.getType(), request.getUrn());
            const olds = unwrap(toJs(request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const result = await lifecycle.check(olds.values, news.values);
            const response = new pb.CheckResponse();
            response.setInputs(toStruct(wrap(result.inputs, news.secrets)));
            response.setFailuresList((result.failures ?? []).map(failure));
            return response;
        }),
        diff: unary(async (request: InstanceType<typeof pb.DiffRequest>) => {
            requireType(request.getType(), request.getUrn());
            const olds = unwrap(toJs(request.getOlds())).values as unknown as TokenOutputs;
            const news = unwrap(toJs(request.getNews())).values as unknown as CheckedInputs;
            const result = await lifecycle.diff(request.getId(), olds, news);
            const response = new pb.DiffResponse();
            const { DIFF_SOME, DIFF_NONE, DIFF_UNKNOWN } = pb.DiffResponse.DiffChanges;
            response.setChanges(
                result.changes === true ? DIFF_SOME : result.changes === false ? DIFF_NONE : DIFF_UNKNOWN,
            );
            response.setReplacesList(result.replaces ?? []);
            response.setDeletebeforereplace(result.deleteBeforeReplace === true);
            return response;
        }),
        create: unary(async (request: InstanceType<typeof pb.CreateRequest>) => {
            requireType(request.getType(), request.getUrn());
            const response = new pb.CreateResponse();
            if (request.getPreview()) {
                // Not asked for (supportsPreview is false); were it, nothing may be sent.
                response.setProperties(request.getProperties());
                return response;
            }
            const inputs = unwrap(toJs(request.getProperties()));
            const created = await lifecycle.create(inputs.values as unknown as CheckedInputs);
            response.setId(created.id);
            response.setProperties(toStruct(wrap(created.outs, [...SECRET_OUTPUTS, ...inputs.secrets])));
            return response;
        }),
        read: unary(async (request: InstanceType<typeof pb.ReadRequest>) => {
            requireType(request.getType(), request.getUrn());
            const props = unwrap(toJs(request.getProperties()));
            const inputs = unwrap(toJs(request.getInputs()));
            const known = Object.keys(props.values).length > 0;
            const result = await lifecycle.read(
                request.getId(),
                known ? (props.values as unknown as TokenOutputs) : undefined,
            );
            const response = new pb.ReadResponse();
            // No id: the token is gone (only a successful list that lacks it says so).
            if (result.id === undefined) return response;
            const secrets = [...SECRET_OUTPUTS, ...props.secrets, ...inputs.secrets];
            response.setId(result.id);
            response.setProperties(toStruct(wrap(result.props, secrets)));
            response.setInputs(toStruct(wrap(result.inputs, secrets)));
            return response;
        }),
        update: unary(async (request: InstanceType<typeof pb.UpdateRequest>) => {
            requireType(request.getType(), request.getUrn());
            const response = new pb.UpdateResponse();
            if (request.getPreview()) {
                response.setProperties(request.getNews());
                return response;
            }
            const olds = unwrap(toJs(request.getOlds()));
            const news = unwrap(toJs(request.getNews()));
            const updated = await lifecycle.update(
                request.getId(),
                olds.values as unknown as TokenOutputs,
                news.values as unknown as CheckedInputs,
            );
            response.setProperties(toStruct(wrap(updated.outs, [...SECRET_OUTPUTS, ...news.secrets])));
            return response;
        }),
        delete: unary(async (request: InstanceType<typeof pb.DeleteRequest>) => {
            requireType(request.getType(), request.getUrn());
            const props = unwrap(toJs(request.getProperties()));
            await lifecycle.delete(request.getId(), props.values as unknown as TokenOutputs);
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

function failure(f: { property: string; reason: string }): InstanceType<typeof pb.CheckFailure> {
    const out = new pb.CheckFailure();
    out.setProperty(f.property);
    out.setReason(nativeWording(f.reason));
    return out;
}

// The native plugin as the engine runs it: the executable plugin/pulumi-resource-iscpat in its own
// process, its port read from its first stdout line, called over gRPC on 127.0.0.1. Everything it
// prints goes through the secret check when it stops.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO } from "../../scripts/pulumi-project";
import { grpc, providerGrpc, provider as pb, struct } from "../../provider/native/grpc";
import { RESOURCE_TOKEN } from "../../provider/native/package-schema";
import { SECRET_SIG, SIG_KEY, type Properties } from "../../provider/native/values";
import { CLOCK_SHIFT_VARIABLE } from "./clock-shift";
import { observe } from "./hygiene";

export const PLUGIN = join(REPO, "plugin", "pulumi-resource-iscpat");

type Client = InstanceType<typeof providerGrpc.ResourceProviderClient>;
type Callback = (error: Error | null, response: unknown) => void;

export interface Plugin {
    process: ChildProcessWithoutNullStreams;
    client: Client;
    /** A unary call; rejects with the gRPC error (its `details` is the message the engine shows). */
    call<T>(method: string, request: unknown): Promise<T>;
    /** What it printed on stderr so far. */
    stderr(): string;
    stop(): Promise<void>;
}

/** Starts the plugin with `env` and PATH (and the clock shift, if any): no SAIL_* unless given. */
export async function startPlugin(env: Record<string, string> = {}): Promise<Plugin> {
    // The clock-ahead rerun's shift reaches the plugin as it reaches every Node process of the run.
    const passed = Object.fromEntries(
        ["PATH", "NODE_OPTIONS", CLOCK_SHIFT_VARIABLE, "TMPDIR", "GLIBC_TUNABLES"].flatMap((k) =>
            process.env[k] ? [[k, process.env[k]]] : [],
        ),
    );
    const child = spawn(PLUGIN, ["127.0.0.1:1"], { env: { ...passed, ...env } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout });
    const port = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) =>
            reject(new Error(`the plugin exited (${code}) before printing its port: ${stderr}`)),
        );
    });
    const client = new providerGrpc.ResourceProviderClient(
        `127.0.0.1:${port}`,
        grpc.credentials.createInsecure(),
    );
    return {
        process: child,
        client,
        call<T>(method: string, request: unknown): Promise<T> {
            const fn = (client as unknown as Record<string, (r: unknown, cb: Callback) => void>)[method].bind(
                client,
            );
            return new Promise<T>((resolve, reject) =>
                fn(request, (error, response) => (error ? reject(error) : resolve(response as T))),
            );
        },
        stderr: () => stderr,
        async stop() {
            client.close();
            const exited = new Promise((resolve) => child.once("exit", resolve));
            if (child.exitCode === null) child.kill("SIGTERM");
            await exited;
            observe("pulumi-resource-iscpat stderr", stderr);
        },
    };
}

/** A Struct from the plugin's answer as plain properties (an absent one as none). */
export function plainOf(s: InstanceType<typeof struct.Struct> | undefined): Properties {
    return (s?.toJavaScript() ?? {}) as Properties;
}

export function toStruct(properties: Properties): InstanceType<typeof struct.Struct> {
    return struct.Struct.fromJavaScript(properties as Parameters<typeof struct.Struct.fromJavaScript>[0]);
}

export function secret(value: unknown): Properties {
    return { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Properties)[SIG_KEY] === SECRET_SIG;
}

export const URN = (name: string) => `urn:pulumi:dev::yaml::${RESOURCE_TOKEN}::${name}`;

/** Configure as today's engine sends it: the provider's inputs in `args`, and `variables` keyed iscpat:config:<key>. */
export function configureRequest(
    args: Properties,
    options: { args?: boolean; variableKey?: (key: string) => string } = {},
): InstanceType<typeof pb.ConfigureRequest> {
    const request = new pb.ConfigureRequest();
    if (options.args !== false) request.setArgs(toStruct(args));
    const key = options.variableKey ?? ((k: string) => `iscpat:config:${k}`);
    for (const [k, v] of Object.entries(args)) {
        const plain = isSecret(v) ? (v as Properties).value : v;
        request.getVariablesMap().set(key(k), String(plain));
    }
    request.setAcceptsecrets(true);
    request.setType("pulumi:providers:iscpat");
    return request;
}

export function checkRequest(
    news: Properties,
    olds: Properties = {},
    name = "token",
): InstanceType<typeof pb.CheckRequest> {
    const request = new pb.CheckRequest();
    request.setUrn(URN(name));
    request.setType(RESOURCE_TOKEN);
    request.setName(name);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    return request;
}

export type CheckResponse = InstanceType<typeof pb.CheckResponse>;
export { pb };

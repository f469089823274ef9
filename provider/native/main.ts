// The plugin process: serve the ResourceProvider service on a loopback port and print the port on
// stdout, the first (and only) line the engine reads from a plugin. The engine passes its own
// address as the first argument: the plugin's notices go to its Log service (./engine-log.ts).
import { EngineLog } from "./engine-log";
import { grpc, providerGrpc } from "./grpc";
import { resourceProviderService } from "./server";

export async function serve(engineAddress?: string): Promise<number> {
    const server = new grpc.Server({
        // Schemas and properties can be large; the engine allows as much (pulumi's own limit).
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    const log = engineAddress ? new EngineLog(engineAddress) : undefined;
    server.addService(providerGrpc.ResourceProviderService, resourceProviderService({}, log));
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    process.stdout.write(`${port}\n`);
    return port;
}

/** The executable's entry (plugin/pulumi-resource-iscpat): serve, or say why not and exit. */
export function main(): void {
    serve(process.argv[2]).catch((error: unknown) => {
        process.stderr.write(`pulumi-resource-iscpat could not start: ${(error as Error).message}\n`);
        process.exit(1);
    });
}

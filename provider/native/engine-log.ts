// The plugin's notices (a token kept, replaced on request, imported, a renewal due) shown by the
// engine. The engine hides a resource plugin's stderr (only its verbose log has it), so each notice
// also goes to the engine's Log service, whose address the engine passes as the plugin's first
// argument, with the URN of the resource the call is about: the CLI shows it under that resource.
import { AsyncLocalStorage } from "node:async_hooks";
import { noticeSeverity } from "../rules/notice";
import { engine, engineGrpc, grpc } from "./grpc";

/** A Log call that gets no answer in this time is dropped: a notice never holds an operation up. */
const LOG_DEADLINE_MS = 5_000;

export class EngineLog {
    private readonly client: InstanceType<typeof engineGrpc.EngineClient>;
    private readonly urn = new AsyncLocalStorage<string>();
    private readonly pending = new Set<Promise<void>>();

    constructor(address: string) {
        this.client = new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
    }

    /** Runs `work` for the resource `urn`, then waits for its notices: the engine shows them with its step. */
    async about<T>(urn: string, work: () => Promise<T>): Promise<T> {
        try {
            return await this.urn.run(urn, work);
        } finally {
            await Promise.all([...this.pending]);
        }
    }

    /** One notice; "warning: …" is shown as a warning, anything else as information. */
    log(message: string): void {
        const request = new engine.LogRequest();
        const { warning, text } = noticeSeverity(message);
        request.setSeverity(warning ? engine.LogSeverity.WARNING : engine.LogSeverity.INFO);
        request.setMessage(text);
        request.setUrn(this.urn.getStore() ?? "");
        const options = { deadline: Date.now() + LOG_DEADLINE_MS };
        // A failed Log (no engine, as in the tests that drive the plugin directly) is not an error.
        const sent = new Promise<void>((resolve) =>
            this.client.log(request, new grpc.Metadata(), options, () => resolve()),
        );
        this.pending.add(sent);
        void sent.then(() => this.pending.delete(sent));
    }
}

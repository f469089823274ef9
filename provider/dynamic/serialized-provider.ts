// What the engine serializes into the state for every token: this module's exports ARE the dynamic
// provider. Pulumi serializes a module object as a bare require() of the installed package (a few
// hundred bytes, no code, no captured settings); the resource hands it over through the re-export
// at the pinned path provider/serialized-provider.ts, so that is the path states hold. The engine's
// dynamic-provider process then calls these functions. They all go to one provider instance per
// process, so a whole stack shares one configuration, one bearer token and one rate-limit budget.
import type * as pulumi from "@pulumi/pulumi";
import { givenFromConfig } from "../isc-client/config";
import { PersonalAccessTokenProvider } from "./provider";
import type { CheckedInputs, TokenOutputs } from "../rules/types";

let instance: PersonalAccessTokenProvider | undefined;

function processProvider(): PersonalAccessTokenProvider {
    instance ??= new PersonalAccessTokenProvider();
    return instance;
}

/** The dynamic door's settings are the stack config under its keys (sailpoint:<name>). */
export function configure(req: pulumi.dynamic.ConfigureRequest) {
    return processProvider().configure({
        given: givenFromConfig((key) => req.config.get(key), "dynamic"),
        place: { door: "dynamic", explicit: false },
    });
}
export function check(olds: unknown, news: Record<string, unknown>) {
    return processProvider().check(olds, news);
}
export function diff(id: string, olds: TokenOutputs, news: CheckedInputs) {
    return processProvider().diff(id, olds, news);
}
export function create(inputs: CheckedInputs) {
    return processProvider().create(inputs);
}
export function read(id: string, props?: TokenOutputs) {
    return processProvider().read(id, props);
}
export function update(id: string, olds: TokenOutputs, news: CheckedInputs) {
    return processProvider().update(id, olds, news);
}
// `delete` is a keyword: export it under its name from a differently named function.
function deleteToken(id: string, props: TokenOutputs) {
    return processProvider().delete(id, props);
}
export { deleteToken as delete };

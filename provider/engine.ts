// The provider instance of this process. The engine deserializes the resource's provider in a
// separate process; everything it does goes through this one instance, so a whole stack shares
// one configuration, one bearer token and one rate-limit budget.
import { PersonalAccessTokenProvider } from "./provider";

let instance: PersonalAccessTokenProvider | undefined;

export function processProvider(): PersonalAccessTokenProvider {
    instance ??= new PersonalAccessTokenProvider();
    return instance;
}

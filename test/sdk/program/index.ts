// Two tenants in one program through the generated Node.js SDK (sdk/nodejs): a provider instance per
// tenant, each with its own API client, and a token at each. No SAIL_* environment: every setting
// comes from the providers' arguments.
import * as pulumi from "@pulumi/pulumi";
import * as iscpat from "@isc-pat/iscpat";

const config = new pulumi.Config();
const expirationDate = config.require("expirationDate");

function tenant(key: string, apiVersion?: iscpat.ApiVersion): iscpat.Provider {
    return new iscpat.Provider(key, {
        baseUrl: config.require(`${key}BaseUrl`),
        clientId: config.require(`${key}ClientId`),
        clientSecret: config.requireSecret(`${key}ClientSecret`),
        apiVersion,
    });
}

// A variable: the code `pulumi import --file` writes for this tenant's tokens names its provider.
const sandboxProvider = tenant("sandbox");
const sandbox = new iscpat.PersonalAccessToken(
    "sandbox-ci",
    { name: "sandbox-ci", scope: ["sp:scopes:default"], expirationDate },
    { provider: sandboxProvider },
);
const production = new iscpat.PersonalAccessToken(
    "production-ci",
    { name: config.get("productionName") ?? "production-ci", expirationDate },
    { provider: tenant("production", iscpat.ApiVersion.V2025) },
);

export const sandboxId = sandbox.id;
export const sandboxSecret = sandbox.secret;
export const sandboxOwner = sandbox.owner.id;
export const productionId = production.id;
export const productionSecret = production.secret;
export const productionOwner = production.owner.id;
export const productionApiVersion = production.apiVersion;

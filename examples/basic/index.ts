// One expiring token for a CI pipeline. Its id is the OAuth client id; its secret is a Pulumi secret.
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const config = new pulumi.Config();

const token = new PersonalAccessToken("ci-deploy", {
    name: config.get("tokenName") ?? "ci-deploy",
    scope: ["sp:scopes:default"],
    expirationDate: config.get("expirationDate") ?? "2027-06-30T00:00:00Z",
});

export const clientId = token.id;
export const clientSecret = token.secret;
export const expirationDate = token.expirationDate;
export const owner = token.owner.name;

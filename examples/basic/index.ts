// One expiring token for a CI pipeline. Its id is the OAuth client id; its secret is a Pulumi secret.
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const config = new pulumi.Config();

const token = new PersonalAccessToken("ci-deploy", {
    name: config.get("tokenName") ?? "ci-deploy",
    scope: ["sp:scopes:default"],
    // Required: a fixed date in the program would pass one day and fail every later preview of a new stack.
    expirationDate: config.require("expirationDate"),
});

export const clientId = token.id;
export const clientSecret = token.secret;
export const expirationDate = token.expirationDate;
export const owner = token.owner.name;

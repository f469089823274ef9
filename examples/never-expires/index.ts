// A token without an expiry. From v2025 on the API allows it only with the owner's explicit
// acknowledgment, userAwareTokenNeverExpires: true; without it, `pulumi preview` fails with a clear
// message before anything is sent.
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const config = new pulumi.Config();

const token = new PersonalAccessToken("reporting", {
    name: config.get("tokenName") ?? "reporting-export",
    scope: ["sp:scopes:default"],
    apiVersion: "v2025",
    userAwareTokenNeverExpires: true,
});

export const clientId = token.id;
export const clientSecret = token.secret;
export const expirationDate = token.expirationDate; // null: never

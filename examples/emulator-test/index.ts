import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const ci = new PersonalAccessToken("ci-deploy", {
    name: "ci-deploy",
    scope: ["sp:scopes:default"],
    rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
    accessTokenValiditySeconds: 3600, // the bearer tokens it mints live 1 hour, not the API's 12
});

export const clientId = ci.id; // the token's id is its OAuth client id
export const clientSecret = ci.secret; // a Pulumi secret

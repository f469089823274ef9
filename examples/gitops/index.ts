// A token that passes the token-hygiene policy pack with its defaults: named scopes, short-lived
// bearer tokens, and rotation (expires after 30 days, renewed by the nightly pulumi up in its last 7).
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const ci = new PersonalAccessToken("ci-deploy", {
    name: "ci-deploy",
    scope: ["sp:scopes:default"],
    accessTokenValiditySeconds: 3600,
    rotation: { expiresInDays: 30, rotateBeforeDays: 7 },
});

export const clientId = ci.id;
export const clientSecret = ci.secret;
export const rotationDueAt = ci.rotationDueAt;

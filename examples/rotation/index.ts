// A short-lived token that renews itself: each token expires 90 days after it is made, and the first
// `pulumi up` in its last 14 days replaces it, the new token first; the previous one keeps working 3 days
// more. Run `pulumi up --yes` daily from CI.
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

const token = new PersonalAccessToken("ci", {
    name: "ci",
    scope: ["sp:scopes:default"],
    // overlapDays: the previous token keeps working 3 days after a rotation, for consumers that sync later.
    rotation: { expiresInDays: 90, rotateBeforeDays: 14, overlapDays: 3 },
});

export const clientId = token.id;
export const clientSecret = token.secret;
export const expirationDate = token.expirationDate;
/** From when the next scheduled up rotates the token: alert if a run is overdue past this. */
export const rotationDueAt = token.rotationDueAt;
/** The name at the API: "ci" plus the generation's creation time and a random part. */
export const tokenName = token.tokenName;
/** After a rotation, while its overlap lasts: the previous token's id and until when it works. */
export const previousGeneration = token.previousGeneration;
export const stack = pulumi.getStack();

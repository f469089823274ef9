// One token per integration, each with its own scopes and expiry, declared in the stack config:
//
//   pulumi config set --path 'tokens[0].name' jira-sync
//   pulumi config set --path 'tokens[0].scope[0]' idn:access-request:manage
//   pulumi config set --path 'tokens[0].expirationDate' "$(date -u -d '+90 days' +%Y-%m-%dT00:00:00Z)"
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";

interface TokenSpec {
    name: string;
    scope?: string[];
    expirationDate?: string;
    accessTokenValiditySeconds?: number;
}

const config = new pulumi.Config();
const specs = config.requireObject<TokenSpec[]>("tokens");

const tokens = specs.map((spec) => new PersonalAccessToken(spec.name, spec));

export const clientIds = Object.fromEntries(tokens.map((t, i) => [specs[i].name, t.id]));
export const clientSecrets = pulumi.secret(
    Object.fromEntries(tokens.map((t, i) => [specs[i].name, t.secret])),
);

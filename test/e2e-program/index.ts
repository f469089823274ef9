// One PersonalAccessToken whose arguments are all stack config (`pulumi config set --path token.name x`),
// so that the end-to-end tests change them without editing code. With `tokens` (a map of resource
// name to arguments) instead, one token per entry: several transitions in one stack.
import * as pulumi from "@pulumi/pulumi";
import { PersonalAccessToken, type PersonalAccessTokenArgs } from "@isc-pat/pulumi-sailpoint-pat";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
const many = config.getObject<Record<string, PersonalAccessTokenArgs>>("tokens");
// Resource names of `tokens` given Pulumi's retainOnDelete option.
const retain = config.getObject<string[]>("retain") ?? [];

const tokens = many
    ? Object.entries(many).map(
          ([key, args]) => new PersonalAccessToken(key, args, { retainOnDelete: retain.includes(key) }),
      )
    : Array.from({ length: count }, (_, i) => {
          const args = config.requireObject<PersonalAccessTokenArgs>("token");
          return new PersonalAccessToken(count === 1 ? "token" : `token-${i}`, {
              ...args,
              name: count === 1 ? args.name : `${args.name}-${i}`,
          });
      });

// The inventory test writes ./adopted.ts (`isc-pat audit --emit-program`) and sets `adopted: true`.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when it exists
if (config.getBoolean("adopted")) require("./adopted");

export const clientId = tokens[0]?.id;
export const clientSecret = tokens[0]?.secret;
export const name = tokens[0]?.name;
export const clientIds = many
    ? Object.fromEntries(Object.keys(many).map((k, i) => [k, tokens[i].id]))
    : undefined;

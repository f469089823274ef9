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

// E2E_CREATES_TOGETHER (resource names of `tokens`, comma-separated): their creates wait for one
// another in a beforeCreate hook, so the engine has diffed all of them before the provider sees any
// create (its steps run in parallel: otherwise the order is a race). The hook runs in this program,
// not in the provider; without the variable, none is registered.
const together = (process.env.E2E_CREATES_TOGETHER ?? "").split(",").filter(Boolean);
const entered = new Set<string>();
const waiting: (() => void)[] = [];
let hook: pulumi.ResourceHook | undefined;
const createsTogether = (): pulumi.ResourceHook =>
    (hook ??= new pulumi.ResourceHook("creates-together", async ({ name }) => {
        entered.add(name);
        if (together.every((n) => entered.has(n))) waiting.splice(0).forEach((go) => go());
        else
            await new Promise<void>((go, fail) => {
                waiting.push(go);
                const missing = () => together.filter((n) => !entered.has(n)).join(", ");
                setTimeout(
                    () => fail(new Error(`${name}'s create waited 120 s for ${missing()}`)),
                    120_000,
                ).unref();
            });
    }));

const tokens = many
    ? Object.entries(many).map(
          ([key, args]) =>
              new PersonalAccessToken(key, args, {
                  retainOnDelete: retain.includes(key),
                  ...(together.includes(key) ? { hooks: { beforeCreate: [createsTogether()] } } : {}),
              }),
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

// With `consumer: true`, a resource that takes the first token's credentials as inputs, as a CI
// system's secret would: each create or update mints a bearer token with them at the tenant, so its
// outputs say whether the secret it was given worked when it got it.
interface ConsumerInputs {
    clientId: string;
    clientSecret: string;
}
const consumerProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: ConsumerInputs) {
        return { id: "consumer", outs: await consume(inputs) };
    },
    async diff(_id: string, olds: { clientId: string }, news: ConsumerInputs) {
        return { changes: olds.clientId !== news.clientId };
    },
    async update(_id: string, _olds: unknown, news: ConsumerInputs) {
        return { outs: await consume(news) };
    },
};
async function consume(inputs: ConsumerInputs): Promise<{ clientId: string; minted: boolean }> {
    const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: inputs.clientId,
        client_secret: inputs.clientSecret,
    });
    const answer = await fetch(`${process.env.SAIL_BASE_URL}/oauth/token`, { method: "POST", body });
    await answer.arrayBuffer();
    return { clientId: inputs.clientId, minted: answer.status === 200 };
}
class Consumer extends pulumi.dynamic.Resource {
    declare readonly clientId: pulumi.Output<string>;
    declare readonly minted: pulumi.Output<boolean>;
    constructor(name: string, args: { clientId: pulumi.Input<string>; clientSecret: pulumi.Input<string> }) {
        super(consumerProvider, name, { ...args, minted: undefined }, {});
    }
}
const consumer =
    config.getBoolean("consumer") && tokens[0]
        ? new Consumer("consumer", { clientId: tokens[0].id, clientSecret: tokens[0].secret })
        : undefined;
export const consumerMinted = consumer?.minted;
export const consumerClientId = consumer?.clientId;

export const clientId = tokens[0]?.id;
export const clientSecret = tokens[0]?.secret;
export const name = tokens[0]?.name;
export const clientIds = many
    ? Object.fromEntries(Object.keys(many).map((k, i) => [k, tokens[i].id]))
    : undefined;

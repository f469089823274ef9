// A provider process of its own, as each `pulumi` command starts one: creates `count` tokens named
// `prefix-i` at once, paced at the API's limit, with the SAIL_* settings of its environment. For the
// cross-process pacing test; prints nothing but a count.
import { PersonalAccessTokenProvider } from "../../provider";
import type { CheckedInputs } from "../../provider/rules/types";
import { DAY } from "./time";

async function main(): Promise<void> {
    const [prefix, count] = process.argv.slice(2);
    const provider = new PersonalAccessTokenProvider();
    const expirationDate = new Date(Date.now() + 30 * DAY).toISOString();
    const { inputs, failures } = await provider.check({}, { name: prefix, expirationDate });
    if (failures && failures.length > 0) throw new Error(JSON.stringify(failures));
    const names = Array.from({ length: Number(count) }, (_, i) => `${prefix}-${i}`);
    await Promise.all(names.map((name) => provider.create({ ...(inputs as CheckedInputs), name })));
    process.stdout.write(`${names.length}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
});

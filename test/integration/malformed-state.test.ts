// A state edited by hand (or written by something else) reaches diff, read, update and delete: a
// malformed value is named, with what it must be, and nothing is sent; never a raw TypeError.
import assert from "node:assert/strict";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { createToken, failure, inDays, useHarness } from "../support/harness";

/** What a delete reads: any other malformed property does not block a destroy. */
const DELETE_READS = ["previousGeneration", "apiVersion"];

const MALFORMED: [property: string, value: unknown][] = [
    ["previousGeneration", "x"],
    ["previousGeneration", { id: "abc", tokenName: "t", worksUntil: {} }],
    ["expirationDate", {}],
    ["scope", "x"],
    ["rotation", { expiresInDays: "x", rotateBeforeDays: 1 }],
    ["apiVersion", 7],
];

describe("a malformed state", function () {
    this.timeout(30_000);
    const ctx = useHarness();

    for (const [property, value] of MALFORMED) {
        it(`${property}: ${JSON.stringify(value)} fails diff, read and update (and delete where it reads it), naming the property`, async () => {
            const p = ctx.h.provider({ notify: () => undefined });
            const raw = { name: `bad-${property}`, expirationDate: inDays(30) };
            const made = await createToken(p, raw);
            const olds = { ...made.outs, [property]: value } as unknown as TokenOutputs;
            const news = made.inputs as CheckedInputs;
            ctx.h.emulator.resetRequests();
            for (const [operation, run] of [
                ["diff", () => p.diff(made.id, olds, news)],
                ["refresh", () => p.read(made.id, olds)],
                ["update", () => p.update(made.id, olds, { ...news, name: `${raw.name}-2` })],
                ...(DELETE_READS.includes(property)
                    ? [["delete", () => p.delete(made.id, olds)] as const]
                    : []),
            ] as const) {
                const error = await failure(operation, run());
                assert.ok(!(error instanceof TypeError), `${operation}: ${error.stack}`);
                assert.match(
                    error.message,
                    new RegExp(`cannot be used for ${operation} \\(nothing was sent\\)`),
                );
                assert.match(error.message, new RegExp(`${property} must be `), error.message);
                assert.match(error.message, /pulumi stack export/);
            }
            assert.equal(ctx.h.emulator.requests.length, 0, "nothing was sent");
            assert.deepEqual(
                ctx.h.emulator.tokens().map((t) => t.name),
                [raw.name],
            );
            // A destroy goes on whatever else is malformed.
            await p.delete(made.id, DELETE_READS.includes(property) ? made.outs : olds);
            assert.equal(ctx.h.emulator.tokens().length, 0);
        });
    }
});

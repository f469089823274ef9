// Whatever check accepts, the API accepts: every RFC 3339 spelling of an expirationDate that check
// lets through is created, and patched, at the emulator, which parses dates as strictly as the API.
import assert from "node:assert/strict";
import type { CheckedInputs } from "../../provider/rules/types";
import { createToken, inDays, useHarness } from "../support/harness";

/** The same instant, spelled as RFC 3339 allows. */
function spellings(iso: string): string[] {
    const shifted = new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+02:00");
    return [iso, iso.replace("T", " "), iso.toLowerCase(), shifted];
}

describe("expirationDate spellings against the emulator", () => {
    const ctx = useHarness({ perTest: true });

    for (const apiVersion of ["v1", "v3"] as const) {
        it(`${apiVersion}: every spelling check accepts creates the token, and the next diff is empty`, async () => {
            const p = ctx.h.provider();
            const date = inDays(30); // once: the spellings and the check name one instant
            for (const [i, expirationDate] of spellings(date).entries()) {
                const raw = { name: `spelled-${i}`, apiVersion, expirationDate };
                const { id, inputs, outs } = await createToken(p, raw);
                assert.equal(
                    Date.parse(ctx.h.emulator.tokens().find((t) => t.id === id)?.expirationDate ?? ""),
                    Date.parse(date),
                );
                assert.equal((await p.diff(id, outs, inputs)).changes, false, expirationDate);
            }
        });
    }

    it("v1: a date change in any spelling is one PATCH the emulator accepts", async () => {
        const p = ctx.h.provider();
        const { id, inputs, outs } = await createToken(p, { name: "patched", expirationDate: inDays(30) });
        const later = inDays(40);
        for (const expirationDate of spellings(later)) {
            const news: CheckedInputs = { ...inputs, expirationDate };
            const checked = await p.check(inputs, news as unknown as Record<string, unknown>);
            assert.deepEqual(checked.failures ?? [], []);
            const updated = await p.update(id, outs, checked.inputs as CheckedInputs);
            assert.equal(Date.parse(updated.outs?.expirationDate ?? ""), Date.parse(later));
        }
    });

    it("what the package writes has one spelling, UTC with milliseconds; a declared date keeps the user's", async () => {
        const p = ctx.h.provider();
        const written = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
        const rotation = { expiresInDays: 30, rotateBeforeDays: 7 };
        const rotating = (await createToken(p, { name: "rotating", rotation })).outs;
        for (const key of ["created", "expirationDate", "rotationDueAt"] as const)
            assert.match(String(rotating[key]), written, `${key}: ${rotating[key]}`);
        const legacy = (await createToken(p, { name: "legacy", apiVersion: "v3" })).outs;
        assert.match(String(legacy.expirationDate), written, "the API's default expiry");
        const declared = spellings(inDays(30))[3]; // +02:00
        const echoed = (await createToken(p, { name: "declared", expirationDate: declared })).outs;
        assert.equal(echoed.expirationDate, declared);
        assert.match(String(echoed.created), written);
    });
});

// Bad input fails at `pulumi preview`, with the provider's message, before any request.
import assert from "node:assert/strict";
import { inDays } from "../support/harness";
import { useStack } from "../support/stack";

describe("end to end: bad input fails at preview", function () {
    this.timeout(600_000);
    const ctx = useStack("e2e-program", {});

    const cases = [
        {
            title: "a past expirationDate",
            token: { name: "bad", expirationDate: "2020-01-01T00:00:00Z" },
            message: /expirationDate.*must be in the future; 2020-01-01T00:00:00Z has passed/,
        },
        {
            title: "a never-expiring token without the acknowledgment",
            token: { name: "bad", apiVersion: "v2025" },
            message: /userAwareTokenNeverExpires.*must be true to acknowledge a token that never expires/,
        },
        {
            title: "a date beyond 6 months on v3",
            token: { name: "bad", apiVersion: "v3", expirationDate: inDays(400) },
            message: /expirationDate.*must be at most 6 months ahead/,
        },
    ];
    for (const c of cases) {
        it(c.title, async () => {
            await ctx.project.setConfig("token", c.token);
            ctx.h.emulator.resetRequests();
            const preview = await ctx.project.run(["preview"], { allowFailure: true });
            assert.notEqual(preview.status, 0);
            assert.match(preview.output, c.message);
            assert.equal(ctx.h.emulator.requests.length, 0, "no request reached the API");
        });
    }
});

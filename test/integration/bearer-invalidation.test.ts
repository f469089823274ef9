// A 401 refuses one bearer token: only that one is forgotten. A late 401 answering a request sent
// with an older token must not discard the token another request has just renewed (a wasted
// token-endpoint call, and under load a cascade of them).
import assert from "node:assert/strict";
import { clientFor } from "../../provider/isc-client/client";
import { bearerTokenSource, useHarness } from "../support/harness";

describe("bearer token invalidation", () => {
    const ctx = useHarness({ perTest: true });

    const source = () => bearerTokenSource(ctx.h);

    it("forgets the refused token, and keeps one renewed since", async () => {
        const auth = source();
        const first = await auth.token();
        auth.invalidate(first); // a request carrying `first` was refused
        const renewed = await auth.token();
        assert.notEqual(renewed, first);
        assert.equal(auth.fetches, 2);

        auth.invalidate(first); // a second, slower request that carried `first` is refused too
        assert.equal(await auth.token(), renewed, "the renewed token is kept");
        assert.equal(auth.fetches, 2, "no further token-endpoint request");

        auth.invalidate(renewed);
        assert.notEqual(await auth.token(), renewed);
        assert.equal(auth.fetches, 3);
    });

    it("through the client: a request refused with an expired bearer token renews it once and succeeds", async () => {
        const client = clientFor({
            baseUrl: ctx.h.emulator.baseUrl,
            clientId: ctx.h.clientId,
            clientSecret: ctx.h.clientSecret,
        });
        await client.list("v1", { ownerId: "me" });
        const before = client.auth.fetches;
        // The emulator's clock moves past the bearer lifetime: the cached token is refused.
        ctx.h.emulator.clock.advance(3_600_000);
        await Promise.all([1, 2, 3, 4].map(() => client.list("v1", { ownerId: "me" })));
        assert.equal(client.auth.fetches - before, 1, "one renewal for four refused requests");
    });
});

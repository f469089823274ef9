// Hostile answers that carry credentials: a token endpoint answering 200 with null, an array or a
// number, or with an access_token far longer than any bearer token, and a create answer whose
// secret is as long. Each is an IscApiError (or a record refused with a reason) naming the operation,
// method, path and status, never a TypeError; and no such value is registered with the scrubber. A
// redirect (a base URL that is the tenant's UI or a login page) is not followed, and says so.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { clientFor } from "../../provider/isc-client/client";
import { IscApiError } from "../../provider/isc-client/errors";
import { parseCreatedRecord } from "../../provider/isc-client/records";
import { MAX_SECRET_CHARS, scrub } from "../../provider/isc-client/redact";
import { bearerTokenSource, failure, PATIENT_RETRIES, useHarness } from "../support/harness";

describe("hostile answers carrying credentials", function () {
    this.timeout(60_000);
    const ctx = useHarness({ perTest: true });

    const source = () => bearerTokenSource(ctx.h);

    const tokenError = /^get an OAuth bearer token failed: POST \/oauth\/token returned HTTP 200 \(/;

    it("a token endpoint answering 200 with null fails naming the operation, method, path and status", async () => {
        ctx.h.emulator.faults.add({ kind: "null-entry", endpoint: "token", times: 1 });
        const auth = source();
        const error = await failure("null token answer", auth.token());
        assert.ok(error instanceof IscApiError, `${error.name}: ${error.message}`);
        assert.match(error.message, tokenError);
        assert.match(error.message, /the response is null, not a JSON object with an access_token/);
        assert.equal(error.status, 200);
        // The next answer is whole again.
        assert.equal(typeof (await auth.token()), "string");
    });

    it("a token endpoint answering 200 with a record without access_token fails the same way", async () => {
        ctx.h.emulator.faults.add({ kind: "empty-200", endpoint: "token", times: 1 });
        const error = await failure("empty token answer", source().token());
        assert.ok(error instanceof IscApiError, `${error.name}: ${error.message}`);
        assert.match(error.message, tokenError);
    });

    it("an access_token longer than any bearer token is refused, not registered, not shown", async () => {
        const length = MAX_SECRET_CHARS + 1;
        ctx.h.emulator.faults.add({ kind: "huge-secret", endpoint: "token", bytes: length, times: 1 });
        const error = await failure("huge access_token", source().token());
        assert.ok(error instanceof IscApiError, `${error.name}: ${error.message}`);
        assert.match(error.message, tokenError);
        assert.match(
            error.message,
            new RegExp(`access_token is ${length} characters long, more than the ${MAX_SECRET_CHARS}`),
        );
        assert.doesNotMatch(error.message, /ffffffff/);
        // Not registered: the scrubber leaves a text with that value as it is (up to its limit).
        const text = "f".repeat(length);
        assert.equal(scrub(text).slice(0, 100), text.slice(0, 100));
    });

    it("a 16 MiB access_token (the fault's default) is refused the same way", async () => {
        ctx.h.emulator.faults.add({ kind: "huge-secret", endpoint: "token", times: 1 });
        const error = await failure("16 MiB access_token", bearerTokenSource(ctx.h, PATIENT_RETRIES).token());
        assert.match(error.message, /access_token is 16777216 characters long/);
    });

    it("a redirect is not followed: the error names its origin (never its path or query) and the base URL to set", async () => {
        // The UI's URL, or a login page: a 302 to another server, with a session in its query.
        let followed = 0;
        const elsewhere = createServer((_req, res) => (followed++, res.end())).listen(0, "127.0.0.1");
        await once(elsewhere, "listening");
        const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
        const ui = createServer((_req, res) =>
            res.writeHead(302, { location: `${target}/login?session=sess-4c3b2a19` }).end(),
        ).listen(0, "127.0.0.1");
        await once(ui, "listening");
        try {
            const client = clientFor({
                baseUrl: `http://127.0.0.1:${(ui.address() as AddressInfo).port}`,
                clientId: "redirected-client",
                clientSecret: "redirected-secret-0a1b2c3d4e5f",
            });
            const error = await failure("redirected token request", client.list("v2025", { ownerId: "me" }));
            assert.ok(error instanceof IscApiError, `${error.name}: ${error.message}`);
            assert.match(
                error.message,
                /^get an OAuth bearer token failed: POST \/oauth\/token returned HTTP 302\./,
            );
            assert.ok(
                error.message.includes(`a redirect to ${target}, which the provider does not follow`),
                error.message,
            );
            assert.match(error.message, /https:\/\/<tenant>\.api\.identitynow\.com/);
            assert.doesNotMatch(error.message, /session|login\?/);
            assert.equal(followed, 0, "the redirect was not followed");
        } finally {
            ui.close();
            elsewhere.close();
        }
    });

    it("a create answer whose secret is longer than any secret is refused by its parser", async () => {
        const record = {
            id: "9c8a6d2f0e1b4a3c8d7e6f5a4b3c2d1e",
            name: "n",
            scope: null,
            owner: { type: "IDENTITY", id: "owner", name: "o" },
            created: new Date().toISOString(),
            accessTokenValiditySeconds: 43200,
            expirationDate: null,
        };
        const longest = parseCreatedRecord({ ...record, secret: "a".repeat(MAX_SECRET_CHARS) });
        assert.equal(typeof longest, "object", String(longest));
        assert.equal(
            parseCreatedRecord({ ...record, secret: "a".repeat(MAX_SECRET_CHARS + 1) }),
            `token ${record.id}: "secret" is ${MAX_SECRET_CHARS + 1} characters long, more than the ${MAX_SECRET_CHARS} a secret can have`,
        );
    });
});

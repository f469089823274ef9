// Hostile but plausible answers, and callers that skip check(): every answer the API does not
// document becomes an IscApiError naming the operation, method, path and status (never a
// TypeError); bodies are capped; nothing crafted reaches a request path; nothing the provider
// prints can drive a terminal.
import assert from "node:assert/strict";
import { IscApiError } from "../../provider/isc-client/errors";
import { MAX_RESPONSE_BYTES } from "../../provider/isc-client/http";
import { checkApiVersion, parseTokenRecord } from "../../provider/isc-client/records";
import type { CheckedInputs, TokenOutputs } from "../../provider/rules/types";
import { FAST_RETRIES, PATIENT_RETRIES, createToken, failure, inDays, useHarness } from "../support/harness";
import { API_VERSIONS_TEXT } from "../../provider/rules/versions";

describe("hostile answers and unchecked calls", function () {
    this.timeout(60_000);
    const ctx = useHarness({ perTest: true });

    async function oneToken(name = "hostile") {
        const p = ctx.h.provider();
        const created = await createToken(p, {
            name,
            scope: ["sp:scopes:default"],
            expirationDate: inDays(30),
        });
        ctx.h.emulator.resetRequests();
        return { p, ...created };
    }

    function assertApiError(error: Error, pattern: RegExp): void {
        assert.ok(error instanceof IscApiError, `${error.name}: ${error.message}`);
        assert.match(error.message, pattern);
    }

    const listError =
        /^list personal access tokens failed: GET \/personal-access-tokens\/v1\?owner-id=\S+ returned HTTP 200 \(/;

    it("a list with a null entry fails the refresh with an error naming the list, not a TypeError", async () => {
        const { p, id, outs } = await oneToken();
        ctx.h.emulator.faults.add({ kind: "null-entry", method: "GET", times: 1 });
        const error = await failure("null entry", p.read(id, outs));
        assertApiError(error, listError);
        assert.match(error.message, /entry 0: expected a token record, got null/);
        // The next list is whole again: refresh works.
        assert.equal((await p.read(id, outs)).id, id);
    });

    it("a list with a malformed record names the field and what was expected", async () => {
        const { p, id, outs } = await oneToken();
        ctx.h.emulator.faults.add({ kind: "malformed-record", method: "GET", times: 1 });
        const error = await failure("malformed list", p.read(id, outs));
        assertApiError(error, listError);
        assert.match(
            error.message,
            new RegExp(`entry 0: token ${id}: "scope" is a string, expected an array of strings or null`),
        );
    });

    it("a PATCH answered 200 with an empty body or a malformed record fails naming the PATCH", async () => {
        const { p, id, outs, inputs } = await oneToken();
        for (const kind of ["empty-200", "malformed-record"] as const) {
            ctx.h.emulator.faults.add({ kind, method: "PATCH", times: 1 });
            const error = await failure(kind, p.update(id, outs, { ...inputs, name: `renamed-${kind}` }));
            assertApiError(
                error,
                new RegExp(
                    `^update personal access token ${id} failed: PATCH /personal-access-tokens/v1/${id} returned HTTP 200 \\(`,
                ),
            );
            assert.match(
                error.message,
                kind === "empty-200" ? /the response is empty, not the token record/ : /"scope" is a string/,
            );
            assert.match(error.message, /run `pulumi refresh`/);
        }
    });

    it("tolerates records without the fields the API documents a default for", async () => {
        const { p, id, outs } = await oneToken();
        // managed (default false), lastUsed, userAwareTokenNeverExpires: absent from the answer.
        const record = parseTokenRecord({
            id,
            name: "n",
            scope: null,
            owner: { type: "IDENTITY", id: outs.owner.id, name: "x" },
            created: outs.created,
            accessTokenValiditySeconds: 43200,
            expirationDate: null,
        });
        assert.ok(typeof record !== "string", String(record));
        assert.equal(record.managed, false);
        assert.equal(record.lastUsed, null);
        assert.equal("userAwareTokenNeverExpires" in record, false);
        assert.equal((await p.read(id, outs)).id, id);
    });

    it("a body trickled slower than the timeout fails like a timeout; trickled once, the retry reads it", async () => {
        const { id, outs } = await oneToken();
        const policy = { ...FAST_RETRIES, maxAttempts: 2, timeoutMs: 500 };
        const p = ctx.h.provider({ retryPolicy: policy });
        ctx.h.emulator.faults.add({ kind: "slow-body", method: "GET", delayMs: 1_500, times: 1 });
        assert.equal((await p.read(id, outs)).id, id);
        ctx.h.emulator.faults.add({ kind: "slow-body", method: "GET", delayMs: 1_500 });
        const error = await failure(
            "slow body",
            ctx.h.provider({ retryPolicy: { ...policy, timeoutMs: 400 } }).read(id, outs),
        );
        assertApiError(
            error,
            /^list personal access tokens failed: GET .* \(timed out \(request\); gave up after 2 attempts\)/,
        );
    });

    it(`a body beyond ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB is cut off as it arrives, with an error naming the limit`, async () => {
        const { id, outs } = await oneToken();
        ctx.h.emulator.faults.add({ kind: "huge-body", method: "GET", times: 1 });
        const patient = ctx.h.provider({ retryPolicy: PATIENT_RETRIES });
        const error = await failure("huge body", patient.read(id, outs));
        assertApiError(
            error,
            new RegExp(
                `^list personal access tokens failed: GET .* \\(the response body exceeds the limit of ${MAX_RESPONSE_BYTES} bytes and was cut off\\)`,
            ),
        );
        // Cut off once, not retried: the same request would get the same answer.
        assert.equal(ctx.h.emulator.requests.filter((r) => r.operation === "list").length, 1);
    });

    it("a tenant-sized list (6,000 tokens) is well within the limit", async () => {
        const { p, id, outs } = await oneToken();
        for (let i = 0; i < 6_000; i++) ctx.h.emulator.createToken(outs.owner.id, { name: `bulk-${i}` });
        const read = await p.read(id, outs);
        assert.equal(read.id, id);
    });

    it("create and update without check validate the inputs and send nothing invalid", async () => {
        const { p, id, outs, inputs } = await oneToken();
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["empty name", { name: "" }, /name must not be empty/],
            ["bad validity", { name: "v", accessTokenValiditySeconds: 5 }, /accessTokenValiditySeconds/],
            [
                "path in apiVersion",
                { name: "v", apiVersion: "../../oauth/token" },
                /apiVersion must be one of/,
            ],
            ["unknown property", { name: "v", owner: "x" }, /"owner" is not a property/],
        ];
        for (const [title, raw, pattern] of cases) {
            const create = await failure(
                `create: ${title}`,
                p.create({ ...inputs, ...raw } as CheckedInputs),
            );
            assert.match(create.message, /^PersonalAccessToken inputs are not valid \(nothing was sent\): /);
            assert.match(create.message, pattern);
            const update = await failure(
                `update: ${title}`,
                p.update(id, outs, { ...inputs, ...raw } as CheckedInputs),
            );
            assert.match(update.message, pattern);
        }
        assert.equal(ctx.h.emulator.requests.length, 0);
    });

    it("ids and API versions are checked at the client boundary: no dot segments, no paths", async () => {
        const { p, id, outs } = await oneToken();
        for (const bad of ["..", ".", "", " "]) {
            const error = await failure(`delete ${JSON.stringify(bad)}`, p.delete(bad, outs));
            assert.match(error.message, /^token id ".*" is not valid: .*Nothing was sent$/);
        }
        for (const version of ["../../oauth/token", "v3/../../oauth/token", "V3"]) {
            const wrong = { ...outs, apiVersion: version } as unknown as TokenOutputs;
            // The state's own check (rules/state.ts) refuses it first, naming the property and
            // what is valid; the client boundary refuses it as well, for any other caller.
            const stateCheck = new RegExp(
                `its state cannot be used for (delete|refresh) \\(nothing was sent\\): apiVersion must be one of ${API_VERSIONS_TEXT}, got`,
            );
            const deleted = await failure(`delete on ${version}`, p.delete(id, wrong));
            assert.match(deleted.message, stateCheck);
            const read = await failure(`read on ${version}`, p.read(id, wrong));
            assert.match(read.message, stateCheck);
            assert.throws(() => checkApiVersion(version), {
                name: "InvalidRequestError",
                message: new RegExp(
                    `^apiVersion must be one of ${API_VERSIONS_TEXT}, got ".*". Nothing was sent$`,
                ),
            });
        }
        assert.equal(ctx.h.emulator.requests.length, 0);
        // An id that needs encoding is one path segment, not a path.
        assert.equal((await p.read("../oauth", outs)).id, undefined);
        await p.delete("a/../../x", outs);
        assert.deepEqual(
            ctx.h.emulator.requests.map((r) => `${r.method} ${r.path}`).at(-1),
            "DELETE /personal-access-tokens/v1/a%2F..%2F..%2Fx",
        );
    });

    it("control characters in a name are escaped in preview notices and errors", async () => {
        const notices: string[] = [];
        const { id, outs, inputs } = await oneToken("plain");
        const p = ctx.h.provider({ notify: (m) => notices.push(m) });
        const name = "evil\u001b[2J\u001b[31m\nFAKE LINE\u0007";
        // An expired token is renewed: diff announces it with the name.
        const expired = { ...outs, name, expirationDate: inDays(-1) };
        await p.diff(id, expired, { ...inputs, name });
        assert.equal(notices.length, 1);
        assert.match(
            notices[0],
            /^PersonalAccessToken "evil\\u001b\[2J\\u001b\[31m\\u000aFAKE LINE\\u0007": /,
        );
        // The API echoes the name in its refusal of a duplicate: the error shows it escaped.
        await p.create({ ...inputs, name });
        const error = await failure("duplicate name", p.create({ ...inputs, name }));
        assert.match(
            error.message,
            /named "evil\\u001b\[2J\\u001b\[31m\\u000aFAKE LINE\\u0007" already exists/,
        );
        // Error messages keep their own line breaks (the recovery steps); nothing else is a control character.
        assert.doesNotMatch(error.message, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        // check's reasons quote property names: escaped too.
        const { failures } = await p.check({}, { name: "n", "\u001b[31mowner": 1 });
        assert.match(failures?.[0]?.reason ?? "", /^"\\u001b\[31mowner" is not a property/);
    });
});

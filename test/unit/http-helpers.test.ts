// retryAfterMs and parseJson: the pure parts of the HTTP layer (no request is sent).
import assert from "node:assert/strict";
import { IscApiError } from "../../provider/isc-client/errors";
import { parseJson } from "../../provider/isc-client/api-errors";
import type { HttpResponse } from "../../provider/isc-client/http";
import { retryAfterMs } from "../../provider/isc-client/retry";

const NOW = Date.parse("2026-06-01T12:00:00Z");

describe("http helpers", () => {
    describe("retryAfterMs", () => {
        const cases: { header: string | string[] | undefined; expected: number | undefined }[] = [
            { header: "0", expected: 0 },
            { header: "1", expected: 1000 },
            { header: "7", expected: 7000 },
            { header: "2.5", expected: 2500 },
            { header: "120", expected: 120_000 },
            { header: "121", expected: 120_000 },
            { header: "86400", expected: 120_000 },
            { header: "-5", expected: 0 },
            { header: ["3", "9"], expected: 3000 },
            { header: "Mon, 01 Jun 2026 12:00:30 GMT", expected: 30_000 },
            { header: "Mon, 01 Jun 2026 12:01:59 GMT", expected: 119_000 },
            { header: "Mon, 01 Jun 2026 13:00:00 GMT", expected: 120_000 },
            { header: "Mon, 01 Jun 2026 11:59:00 GMT", expected: 0 },
            { header: "soon", expected: undefined },
            { header: "later please", expected: undefined },
            { header: "abc", expected: undefined },
            { header: "", expected: undefined },
            { header: undefined, expected: undefined },
            { header: [], expected: undefined },
        ];
        for (const { header, expected } of cases) {
            it(`${JSON.stringify(header)} → ${String(expected)}`, () => {
                assert.equal(retryAfterMs(header, NOW), expected);
            });
        }
    });

    describe("parseJson", () => {
        const request = {
            operation: "list personal access tokens",
            method: "GET" as const,
            displayPath: "/v2025/personal-access-tokens?owner-id=me",
        };

        function response(body: string, status = 200, contentType?: string): HttpResponse {
            return { status, headers: contentType ? { "content-type": contentType } : {}, body };
        }

        it("parses a JSON body", () => {
            assert.deepEqual(parseJson(response('[{"id":"a"}]'), request), [{ id: "a" }]);
            assert.equal(parseJson(response("null"), request), null);
        });

        const malformed: { body: string; status: number; contentType?: string }[] = [
            { body: "<html><body>Sign in</body></html>", status: 200, contentType: "text/html" },
            { body: "", status: 200 },
            { body: '[{"id":"a"}', status: 200, contentType: "application/json" },
            { body: "Bad Gateway", status: 502, contentType: "text/plain" },
        ];
        for (const { body, status, contentType } of malformed) {
            it(`throws an IscApiError naming the operation, method, path and status for ${JSON.stringify(body)}`, () => {
                let caught: unknown;
                try {
                    parseJson(response(body, status, contentType), request);
                } catch (error) {
                    caught = error;
                }
                assert.ok(caught instanceof IscApiError, `expected an IscApiError, got ${String(caught)}`);
                const message = caught.message;
                assert.ok(message.includes("list personal access tokens"), message);
                assert.ok(message.includes("GET /v2025/personal-access-tokens?owner-id=me"), message);
                assert.ok(message.includes(`HTTP ${status}`), message);
                assert.match(message, /not valid JSON/);
                assert.ok(message.includes(`${body.length} bytes`), message);
                assert.ok(message.includes(`content-type ${contentType ?? "none"}`), message);
                assert.equal(caught.status, status);
                assert.equal(caught.method, "GET");
                assert.equal(caught.path, "/v2025/personal-access-tokens?owner-id=me");
            });
        }
    });
});

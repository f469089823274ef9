import assert from "node:assert/strict";
import { addMonths, parseRfc3339 } from "../../emulator/dates";
import { parseMultipart } from "../../emulator/forms";
import { Clock } from "../../emulator/clock";
import { DAY } from "../support/time";

describe("emulator: helpers", () => {
    it("parses RFC 3339 strictly", () => {
        assert.equal(parseRfc3339("2026-05-01T10:00:00Z")?.toISOString(), "2026-05-01T10:00:00.000Z");
        assert.equal(
            parseRfc3339("2026-05-01T10:00:00.123456+02:00")?.toISOString(),
            "2026-05-01T08:00:00.123Z",
        );
        // The stricter reading of RFC 3339 (the API parses case-sensitively): the provider normalises.
        assert.equal(parseRfc3339("2024-02-29t00:00:00z"), null);
        assert.equal(parseRfc3339("2024-02-29 00:00:00Z"), null);
        for (const bad of [
            "2026-02-30T00:00:00Z",
            "2026-05-01",
            "2026-05-01T10:00:00",
            "2026-13-01T00:00:00Z",
            "x",
        ]) {
            assert.equal(parseRfc3339(bad), null, bad);
        }
    });

    it("adds calendar months like java.time", () => {
        // Pure calendar arithmetic on given instants: no clock is read.
        assert.equal(
            addMonths(new Date("2026-08-31T12:00:00Z"), 6).toISOString(),
            "2027-02-28T12:00:00.000Z",
        );
        assert.equal(
            addMonths(new Date("2026-01-15T00:00:00Z"), 6).toISOString(),
            "2026-07-15T00:00:00.000Z",
        );
    });

    it("parses multipart form fields", () => {
        const body = Buffer.from(
            '--XyZ\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n' +
                '--XyZ\r\ncontent-disposition: form-data; name="client_id"\r\n\r\nabc\r\n--XyZ--\r\n',
        );
        const fields = parseMultipart(body, 'multipart/form-data; boundary="XyZ"');
        assert.deepEqual(Object.fromEntries(fields ?? []), {
            grant_type: "client_credentials",
            client_id: "abc",
        });
        assert.equal(parseMultipart(body, "multipart/form-data"), null);
    });

    it("moves the clock", () => {
        // An absolute instant the test sets, not the wall clock: true whenever the suite runs.
        const clock = new Clock();
        clock.set("2030-01-01T00:00:00Z");
        assert.ok(Math.abs(clock.nowMs() - Date.parse("2030-01-01T00:00:00Z")) < 1000);
        clock.advance(DAY);
        assert.equal(clock.now().toISOString().slice(0, 10), "2030-01-02");
    });
});

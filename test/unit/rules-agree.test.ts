// Whatever check accepts, the API accepts: the provider's rules against the emulator's (independent
// code, written from the API sheet), for any day of the calendar (month ends, leap years), any
// RFC 3339 spelling, and rotation's expiresInDays, on every version.
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateCreate } from "../../emulator/rules";
import { createRequestFrom } from "../../provider/rules/outputs";
import { validateInputs } from "../../provider/rules/validate";
import { API_VERSIONS } from "../../provider/rules/versions";
import { DAY } from "../support/time";

/** The fuzz spans four years from here: every month end, one leap day. */
const FROM = Date.parse("2026-01-01T00:00:00Z");

/** Spellings RFC 3339 allows for the same instant. */
function spell(at: Date, style: number): string {
    const iso = at.toISOString();
    switch (style) {
        case 0:
            return iso;
        case 1:
            return iso.replace("T", " ");
        case 2:
            return iso.toLowerCase();
        default: {
            const shifted = new Date(at.getTime() + 2 * 3_600_000).toISOString();
            return shifted.replace("Z", "+02:00");
        }
    }
}

describe("provider check and the emulator's rules agree", () => {
    it("a date check accepts is accepted at create, whatever the day and spelling", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 4 * 366 }),
                fc.integer({ min: 0, max: 86_399 }),
                fc.integer({ min: -2 * DAY, max: 200 * DAY }),
                fc.integer({ min: 0, max: 3 }),
                fc.constantFrom(...API_VERSIONS),
                (days, seconds, ahead, style, apiVersion) => {
                    const now = new Date(FROM + days * DAY + seconds * 1000);
                    const expirationDate = spell(new Date(now.getTime() + ahead), style);
                    const raw = { name: "x", apiVersion, expirationDate };
                    const { inputs, failures } = validateInputs(raw, { now, defaultApiVersion: "v1" });
                    if (failures.length > 0) return;
                    // By the API's own clock, an hour behind ours (the day of margin below the 6-month
                    // limit covers that skew). Check cannot keep a date ahead of a clock that runs ahead.
                    const server = new Date(now.getTime() - 3_600_000);
                    assert.doesNotThrow(
                        () => validateCreate(createRequestFrom(inputs, now, "0a1b2c3d"), apiVersion, server),
                        expirationDate,
                    );
                },
            ),
            { numRuns: 3000, seed: 31 },
        );
    });

    it("rotation's expiresInDays: what check accepts makes a create the API accepts", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 4 * 366 }),
                fc.integer({ min: 1, max: 36500 }),
                fc.constantFrom(...API_VERSIONS),
                (days, expiresInDays, apiVersion) => {
                    const now = new Date(FROM + days * DAY);
                    const raw = { name: "x", apiVersion, rotation: { expiresInDays, rotateBeforeDays: 0 } };
                    const { inputs, failures } = validateInputs(raw, { now, defaultApiVersion: "v1" });
                    if (failures.length > 0) return;
                    assert.doesNotThrow(() =>
                        validateCreate(
                            createRequestFrom(inputs, now, "0a1b2c3d"),
                            apiVersion,
                            new Date(now.getTime() + 5_000),
                        ),
                    );
                },
            ),
            { numRuns: 2000, seed: 32 },
        );
    });

    it("on 31 August the API refuses 1 March and so does check; both accept 27 February", () => {
        const now = new Date("2026-08-31T12:00:00Z");
        const at = (date: string) =>
            validateInputs(
                { name: "x", apiVersion: "v3", expirationDate: date },
                { now, defaultApiVersion: "v1" },
            ).failures.length;
        assert.throws(() => validateCreate({ name: "x", expirationDate: "2027-03-01T00:00:00Z" }, "v3", now));
        assert.ok(at("2027-03-01T00:00:00Z") > 0);
        assert.doesNotThrow(() =>
            validateCreate({ name: "x", expirationDate: "2027-02-27T12:00:00Z" }, "v3", now),
        );
        assert.equal(at("2027-02-27T12:00:00Z"), 0);
    });

    it("scope entries: check refuses exactly the blank ones the API refuses", () => {
        const now = new Date(FROM);
        for (const entry of [" ", "\t", "  \n ", "", "sp:scopes:default", " sp:scopes:default"]) {
            const raw = { name: "x", apiVersion: "v3", scope: ["sp:scopes:all", entry] };
            const checked = validateInputs(raw, { now, defaultApiVersion: "v1" }).failures.length === 0;
            let accepted = true;
            try {
                validateCreate({ name: "x", scope: raw.scope }, "v3", now);
            } catch {
                accepted = false;
            }
            assert.equal(checked, accepted, JSON.stringify(entry));
        }
    });
});

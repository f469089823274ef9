// The version table (provider/rules/versions.ts) is the provider's one list of API versions: it must
// be schema.json's enum, in its order, and agree with the emulator's own facts of each version, which
// were written apart from it (emulator/versions.ts).
import assert from "node:assert/strict";
import schema from "../../schema.json";
import * as emulator from "../../emulator/versions";
import {
    API_VERSIONS,
    API_VERSIONS_TEXT,
    hasModernExpiry,
    LEGACY_VERSIONS,
    MODERN_VERSIONS,
    MODERN_VERSIONS_TEXT,
    orList,
} from "../../provider/rules/versions";

describe("the version table", () => {
    it("is schema.json's apiVersion enum, in its order", () => {
        assert.deepEqual(API_VERSIONS, schema.definitions.apiVersion.enum);
    });

    it("has every version the emulator serves, each with the emulator's expiry rules", () => {
        assert.deepEqual(API_VERSIONS, emulator.API_VERSIONS);
        for (const version of API_VERSIONS)
            assert.equal(hasModernExpiry(version), !emulator.isLegacy(version));
        assert.deepEqual([...LEGACY_VERSIONS, ...MODERN_VERSIONS].sort(), [...API_VERSIONS].sort());
        assert.ok(LEGACY_VERSIONS.length > 0 && MODERN_VERSIONS.length > 0);
    });

    it("names its versions in messages as one list", () => {
        assert.equal(orList(["a"]), "a");
        assert.equal(orList(["a", "b"]), "a or b");
        assert.equal(orList(["a", "b", "c"]), "a, b or c");
        assert.equal(MODERN_VERSIONS_TEXT, orList(MODERN_VERSIONS));
        assert.equal(API_VERSIONS_TEXT.split(", ").length, API_VERSIONS.length);
    });
});

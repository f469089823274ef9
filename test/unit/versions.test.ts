// The version table (provider/rules/versions.ts) is the provider's one list of API versions: it must
// be schema.json's enum, in its order, and agree with the emulator's own facts of each version, which
// were written apart from it (emulator/versions.ts).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import schema from "../../schema.json";
import { REPO } from "../../scripts/pulumi-project";
import { checkApiVersion } from "../../provider/isc-client/records";
import { settingSpec } from "../../provider/isc-client/settings";
import { stateProblems } from "../../provider/rules/state";
import { validateInputs } from "../../provider/rules/validate";
import * as emulator from "../../emulator/versions";
import {
    API_VERSIONS,
    API_VERSIONS_TEXT,
    hasModernExpiry,
    LEGACY_VERSIONS,
    MODERN_VERSIONS,
    MODERN_VERSIONS_TEXT,
    notAVersion,
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

    it("refuses what is not a version in one wording, wherever a version is read", () => {
        for (const bad of ["v4", "V3", "../../oauth/token", 2025]) {
            const wording = notAVersion(bad);
            assert.match(wording, new RegExp(`^must be one of ${API_VERSIONS_TEXT}, got `));
            const checked = validateInputs(
                { name: "x", apiVersion: bad },
                { now: new Date(), defaultApiVersion: "v1" },
            );
            assert.deepEqual(checked.failures, [{ property: "apiVersion", reason: wording }]);
            assert.deepEqual(stateProblems({ apiVersion: bad }, ["apiVersion"]), [`apiVersion ${wording}`]);
            if (typeof bad === "string") assert.equal(settingSpec("apiVersion").check(bad), wording);
            assert.throws(() => checkApiVersion(bad), { message: `apiVersion ${wording}. Nothing was sent` });
        }
    });

    it("is the only source that words the choice of versions", () => {
        const offenders: string[] = [];
        for (const dir of ["provider", "policy"]) {
            for (const file of readdirSync(join(REPO, dir), { recursive: true, encoding: "utf8" })) {
                if (!file.endsWith(".ts") || join(dir, file) === join("provider", "rules", "versions.ts"))
                    continue;
                const text = readFileSync(join(REPO, dir, file), "utf8");
                if (/one of \$\{(API_VERSIONS|orList\(API_VERSIONS)/.test(text))
                    offenders.push(join(dir, file));
            }
        }
        assert.deepEqual(offenders, []);
    });
});

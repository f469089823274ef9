// States name the provider by a bare require of provider/serialized-provider (see
// test/e2e/secrets.test.ts for the exact string). The wings moved the module; that path must still
// load the same, working provider through the package's "exports".
import assert from "node:assert/strict";
import * as doors from "../../provider/dynamic/serialized-provider";

const LIFECYCLE = ["check", "configure", "create", "delete", "diff", "read", "update"];

describe("the serialized provider's path in existing states", () => {
    // Pulumi writes the path through package.json "exports" when there is one: "./dist/*" keeps it
    // the file's own path, .js included, as it was before "exports" existed.
    for (const specifier of ["@isc-pat/pulumi-sailpoint-pat/dist/provider/serialized-provider.js"]) {
        it(`require("${specifier}") is the provider, one instance per process`, async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const required = require(specifier) as Record<string, unknown>;
            assert.deepEqual(Object.keys(required).sort(), LIFECYCLE);
            for (const name of LIFECYCLE) {
                assert.equal(required[name], (doors as Record<string, unknown>)[name], name);
            }
            const check = required.check as typeof doors.check;
            const { failures } = await check(
                {},
                { name: "ci", userAwareTokenNeverExpires: true, accessTokenValiditySeconds: 5 },
            );
            assert.equal(failures?.length, 1);
            assert.equal(failures?.[0].property, "accessTokenValiditySeconds");
        });
    }
});

// The dynamic door's arguments and outputs, and the core's plain inputs, outputs and name lists, are
// generated from schema.json (scripts/gen-dynamic-types.ts), as the SDKs are: resource.ts and
// rules/types.ts must be what the generator writes, so a schema change without `npm run gen-types`
// (or a hand edit of a generated line) fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import schema from "../../schema.json";
import {
    coreTypes,
    dynamicTypes,
    generatedResourceTs,
    generatedTypesTs,
    region,
    RESOURCE_TS,
    TYPES_TS,
} from "../../scripts/gen-dynamic-types";

describe("the dynamic door's types, generated from schema.json", function () {
    this.timeout(30_000);
    const text = readFileSync(RESOURCE_TS, "utf8");

    it("provider/dynamic/resource.ts is what npm run gen-types writes", async () => {
        assert.equal(await generatedResourceTs(text, schema), text, "run npm run gen-types and commit");
    });

    it("every property's description is its doc comment, in both regions", () => {
        const { inputs, outputs } = schema.definitions;
        for (const [name, spec] of Object.entries(inputs.properties)) {
            assert.ok(region(text, "args").includes(`/** ${spec.description} */`), name);
        }
        for (const [name, spec] of Object.entries(outputs.properties)) {
            assert.ok(region(text, "outputs").includes(`/** ${spec.description} */`), name);
            assert.match(region(text, "outputs"), new RegExp(`declare readonly ${name}: pulumi\\.Output<`));
        }
    });

    it("a changed description or a new property shows as drift", async () => {
        const changed = structuredClone(schema) as unknown as Parameters<typeof dynamicTypes>[0];
        const props = changed.definitions.outputs.properties ?? {};
        props.created = { ...props.created, description: "Changed." };
        props.extra = { type: ["integer", "null"], description: "New." };
        const { outputs } = dynamicTypes(changed);
        assert.ok(
            outputs.includes("/** Changed. */\ndeclare readonly created: pulumi.Output<string>;"),
            outputs,
        );
        assert.match(outputs, /declare readonly extra: pulumi\.Output<number \| null \| undefined>;/);
        assert.notEqual(await generatedResourceTs(text, changed), text);
    });

    describe("rules/types.ts", () => {
        const types = readFileSync(TYPES_TS, "utf8");

        it("is what npm run gen-types writes", async () => {
            assert.equal(await generatedTypesTs(types, schema), types, "run npm run gen-types and commit");
        });

        it("a new property, a changed optionality or a renamed one shows as drift", async () => {
            const changed = structuredClone(schema) as unknown as Parameters<typeof coreTypes>[0];
            const inputs = changed.definitions.inputs;
            inputs.properties = {
                ...inputs.properties,
                requestTimeout: { type: "integer", description: "New." },
            };
            changed.definitions.outputs.required = [
                ...(changed.definitions.outputs.required ?? []),
                "tenant",
            ];
            const regions = coreTypes(changed);
            assert.match(regions.inputs, /\/\*\* New\. \*\/\nrequestTimeout\?: number;/);
            assert.match(regions.outputs, /\ntenant: string;/);
            assert.match(regions.names, /"replaceIfSecretUnknown", "requestTimeout"\] as const/);
            assert.notEqual(await generatedTypesTs(types, changed), types);
        });
    });
});

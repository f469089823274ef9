// schema.json is the single source of truth: the README's tables and the TypeScript types must say
// the same as it does.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import schema from "../schema.json";
import { INPUT_NAMES, OUTPUT_ONLY_NAMES } from "../provider/rules/types";

const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

interface PropertySchema {
    description?: string;
}

function tableRows(section: string): Map<string, string> {
    const match = new RegExp(
        `<!-- schema:${section}:start -->([\\s\\S]*?)<!-- schema:${section}:end -->`,
    ).exec(readme);
    assert.ok(match, `README.md has no ${section} table between schema markers`);
    const rows = new Map<string, string>();
    for (const line of match[1].split("\n")) {
        const cells = line.split("|").map((c) => c.trim());
        const name = /^`(\w+)`$/.exec(cells[1] ?? "")?.[1];
        if (name) rows.set(name, cells[cells.length - 2]);
    }
    return rows;
}

function check(section: string, properties: Record<string, PropertySchema>): void {
    const rows = tableRows(section);
    assert.deepEqual(
        [...rows.keys()],
        Object.keys(properties),
        `README ${section} table lists the schema's properties in order`,
    );
    for (const [name, property] of Object.entries(properties)) {
        assert.equal(
            rows.get(name),
            property.description,
            `README ${section} row for ${name} matches schema.json`,
        );
    }
}

describe("schema.json", () => {
    it("matches the README's inputs table", () => check("inputs", schema.definitions.inputs.properties));
    it("matches the README's outputs table", () => check("outputs", schema.definitions.outputs.properties));

    it("matches the TypeScript input and output names", () => {
        assert.deepEqual([...INPUT_NAMES], Object.keys(schema.definitions.inputs.properties));
        const outputs = Object.keys(schema.definitions.outputs.properties);
        assert.deepEqual(
            outputs.filter((n) => !(INPUT_NAMES as readonly string[]).includes(n)),
            [...OUTPUT_ONLY_NAMES],
        );
        for (const name of INPUT_NAMES)
            assert.ok(outputs.includes(name), `every input is an output: ${name}`);
    });

    it("describes every property", () => {
        for (const [name, p] of Object.entries({
            ...schema.definitions.inputs.properties,
            ...schema.definitions.outputs.properties,
        })) {
            assert.ok((p as PropertySchema).description, `${name} has a description`);
        }
    });
});

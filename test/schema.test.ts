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
    type?: string | string[];
    items?: PropertySchema;
    enum?: unknown[];
    format?: string;
    anyOf?: PropertySchema[];
    $ref?: string;
}

interface Row {
    type: string;
    required?: string;
    description: string;
}

/** The table's rows by property, cells by the header's column names. */
function tableRows(section: string): Map<string, Row> {
    const match = new RegExp(
        `<!-- schema:${section}:start -->([\\s\\S]*?)<!-- schema:${section}:end -->`,
    ).exec(readme);
    assert.ok(match, `README.md has no ${section} table between schema markers`);
    const lines = match[1].split("\n").filter((l) => l.startsWith("|"));
    const cellsOf = (line: string) =>
        line
            .split("|")
            .slice(1, -1)
            .map((c) => c.trim());
    const header = cellsOf(lines[0]);
    const rows = new Map<string, Row>();
    for (const line of lines.slice(2)) {
        const cells = Object.fromEntries(cellsOf(line).map((c, i) => [header[i], c]));
        const name = /^`(\w+)`$/.exec(cells.property ?? "")?.[1];
        if (name) rows.set(name, cells as unknown as Row);
    }
    return rows;
}

/** The README's words for a schema's type: string[] or null, string (enum), string (RFC 3339). */
function typeText(p: PropertySchema): string {
    if (p.$ref) {
        const definitions = schema.definitions as Record<string, PropertySchema>;
        return typeText(definitions[p.$ref.replace("#/definitions/", "")]);
    }
    if (p.anyOf) return p.anyOf.map(typeText).join(" or ");
    const types = Array.isArray(p.type) ? p.type : [p.type ?? "any"];
    return types
        .map((t) => {
            if (t === "array") return `${typeText(p.items ?? {})}[]`;
            if (t === "string" && p.enum) return "string (enum)";
            if (t === "string" && p.format === "date-time") return "string (RFC 3339)";
            return t;
        })
        .join(" or ");
}

function check(
    section: string,
    definition: { properties: Record<string, PropertySchema>; required?: string[] },
): void {
    const { properties } = definition;
    const rows = tableRows(section);
    assert.deepEqual(
        [...rows.keys()],
        Object.keys(properties),
        `README ${section} table lists the schema's properties in order`,
    );
    for (const [name, property] of Object.entries(properties)) {
        const row = rows.get(name)!;
        const where = `README ${section} row for ${name}`;
        assert.equal(row.description, property.description, `${where}: description as in schema.json`);
        assert.equal(row.type, typeText(property), `${where}: type as in schema.json`);
        if (section === "inputs") {
            const required = (definition.required ?? []).includes(name) ? "yes" : "no";
            assert.equal(row.required, required, `${where}: required as in schema.json`);
        }
    }
}

describe("schema.json", () => {
    it("matches the README's inputs table", () => check("inputs", schema.definitions.inputs));
    it("matches the README's outputs table", () => check("outputs", schema.definitions.outputs));

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

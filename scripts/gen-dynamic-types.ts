// The resource's TypeScript from schema.json, as the SDKs are generated from it, each property with
// the schema's description as its doc comment: the dynamic door's PersonalAccessTokenArgs interface
// and the resource class's `declare readonly` outputs (provider/dynamic/resource.ts), and the core's
// plain inputs, outputs and their name lists (provider/rules/types.ts). They are written between each
// file's "generated" markers (`npm run gen-types`); test/unit/dynamic-types.test.ts fails when they drift.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";

interface Spec {
    type?: string | string[];
    items?: Spec;
    enum?: string[];
    anyOf?: Spec[];
    $ref?: string;
    description?: string;
    properties?: Record<string, Spec>;
    required?: string[];
}
type Schema = { definitions: Record<string, Spec> };

/** Definitions the wire and rules modules already name, as resource.ts imports them. */
const NAMED: Record<string, string> = {
    apiVersion: "ApiVersion",
    owner: "TokenOwner",
    rotation: "RotationSettings",
    previousGeneration: "PreviousGeneration",
};

/** A schema type as TypeScript; `input` wraps every level in pulumi.Input, as programs may pass Outputs. */
function typeOf(schema: Schema, spec: Spec, input: boolean): string {
    const wrap = (t: string) => (input ? `pulumi.Input<${t}>` : t);
    if (spec.$ref) {
        const name = spec.$ref.replace("#/definitions/", "");
        const target = schema.definitions[name];
        // An object's members are Inputs themselves (the caller wraps the object).
        if (input && target.properties) return objectType(schema, target, true);
        if (NAMED[name]) return NAMED[name];
        return typeOf(schema, target, input);
    }
    if (spec.anyOf) return spec.anyOf.map((s) => typeOf(schema, s, false)).join(" | ");
    if (spec.enum) return spec.enum.map((v) => JSON.stringify(v)).join(" | ");
    const types = Array.isArray(spec.type) ? spec.type : [spec.type];
    return types
        .map((t) => {
            if (t === "array") return `${wrap(typeOf(schema, spec.items ?? {}, false))}[]`;
            if (t === "integer" || t === "number") return "number";
            if (t === "object" && spec.properties) return objectType(schema, spec, input);
            return String(t);
        })
        .join(" | ");
}

/** An object type's members, each with its doc comment; optional unless required. */
function members(spec: Spec, render: (name: string, optional: boolean, p: Spec) => string): string {
    return Object.entries(spec.properties ?? {})
        .map(([name, p]) => {
            const doc = p.description ? `/** ${p.description.replace(/\*\//g, "*\\/")} */\n` : "";
            return doc + render(name, !(spec.required ?? []).includes(name), p);
        })
        .join("\n");
}

function objectType(schema: Schema, spec: Spec, input: boolean): string {
    const body = members(
        spec,
        (name, optional, p) =>
            `${name}${optional ? "?" : ""}: ${input ? `pulumi.Input<${typeOf(schema, p, false)}>` : typeOf(schema, p, false)};`,
    );
    return `{\n${body}\n}`;
}

/** An object definition's members as plain (unwrapped) TypeScript, optional unless required. */
function plainMembers(schema: Schema, spec: Spec, only?: (name: string) => boolean): string {
    const kept: Spec = {
        ...spec,
        properties: Object.fromEntries(
            Object.entries(spec.properties ?? {}).filter(([name]) => only?.(name) ?? true),
        ),
    };
    return members(
        kept,
        (name, optional, p) => `${name}${optional ? "?" : ""}: ${typeOf(schema, p, false)};`,
    );
}

/** A name list, `as const`. */
function names(list: string[]): string {
    return `[${list.map((n) => JSON.stringify(n)).join(", ")}] as const`;
}

/** The generated regions of rules/types.ts, unformatted. */
export function coreTypes(schema: Schema): Record<string, string> {
    const { inputs, outputs, rotation, previousGeneration } = schema.definitions;
    const inputNames = Object.keys(inputs.properties ?? {});
    const outputOnly = Object.keys(outputs.properties ?? {}).filter((n) => !inputNames.includes(n));
    return {
        rotation: plainMembers(schema, rotation),
        "previous generation": plainMembers(schema, previousGeneration),
        inputs: plainMembers(schema, inputs),
        outputs: plainMembers(schema, outputs, (name) => outputOnly.includes(name)),
        names: [
            `export const INPUT_NAMES = ${names(inputNames)};`,
            `export const OUTPUT_ONLY_NAMES = ${names(outputOnly)};`,
        ].join("\n"),
    };
}

/** The two generated regions of resource.ts, unformatted. */
export function dynamicTypes(schema: Schema): { args: string; outputs: string } {
    const { inputs, outputs } = schema.definitions;
    const args = members(inputs, (name, optional, p) => {
        return `${name}${optional ? "?" : ""}: pulumi.Input<${typeOf(schema, p, true)}>;`;
    });
    const declared = members(outputs, (name, optional, p) => {
        const type = typeOf(schema, p, false);
        return `declare readonly ${name}: pulumi.Output<${type}${optional ? " | undefined" : ""}>;`;
    });
    return { args, outputs: declared };
}

const BEGIN = (region: string) =>
    `// <generated ${region}> by npm run gen-types from schema.json: do not edit`;
const END = (region: string) => `// </generated ${region}>`;

/** The text between a region's markers. */
export function region(text: string, name: string): string {
    const start = text.indexOf(BEGIN(name));
    const end = text.indexOf(END(name));
    if (start < 0 || end < start) throw new Error(`no generated ${name} region`);
    return text.slice(start + BEGIN(name).length, end);
}

function replaceRegion(text: string, name: string, body: string): string {
    const before = text.slice(0, text.indexOf(BEGIN(name)) + BEGIN(name).length);
    return `${before}\n${body}\n${text.slice(text.indexOf(END(name)))}`;
}

export const RESOURCE_TS = join(__dirname, "..", "..", "provider", "dynamic", "resource.ts");
export const TYPES_TS = join(__dirname, "..", "..", "provider", "rules", "types.ts");
export const SCHEMA_JSON = join(__dirname, "..", "..", "schema.json");

/** A file with the given regions written, formatted as the repository's prettier does. */
async function generated(text: string, regions: Record<string, string>): Promise<string> {
    const written = Object.entries(regions).reduce((t, [name, body]) => replaceRegion(t, name, body), text);
    const options = JSON.parse(readFileSync(join(__dirname, "..", "..", ".prettierrc.json"), "utf8"));
    return format(written, { ...options, parser: "typescript" });
}

/** resource.ts with both regions generated from the schema. */
export async function generatedResourceTs(text: string, schema: Schema): Promise<string> {
    return generated(text, { ...dynamicTypes(schema) });
}

/** rules/types.ts with its regions generated from the schema. */
export async function generatedTypesTs(text: string, schema: Schema): Promise<string> {
    return generated(text, coreTypes(schema));
}

async function main(): Promise<void> {
    const schema = JSON.parse(readFileSync(SCHEMA_JSON, "utf8")) as Schema;
    writeFileSync(RESOURCE_TS, await generatedResourceTs(readFileSync(RESOURCE_TS, "utf8"), schema));
    writeFileSync(TYPES_TS, await generatedTypesTs(readFileSync(TYPES_TS, "utf8"), schema));
}

if (require.main === module) void main();

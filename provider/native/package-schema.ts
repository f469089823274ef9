// The Pulumi package schema of the native plugin (GetSchema), generated from schema.json so that the
// resource's inputs, outputs and descriptions have one source of truth. Pure: the SDK generators
// (tools/) and the plugin both call packageSchema(version).
import schema from "../../schema.json";
import { SETTINGS } from "../isc-client/settings";
import { NATIVE_PACKAGE, NATIVE_PERSONAL_ACCESS_TOKEN_TYPE } from "../rules/types";

export const PACKAGE = NATIVE_PACKAGE;

export const RESOURCE_TOKEN = NATIVE_PERSONAL_ACCESS_TOKEN_TYPE;
/** The output properties the plugin returns as Pulumi secrets. */
export const SECRET_OUTPUTS = ["secret"] as const;

/** A JSON Schema fragment of schema.json, as far as this conversion reads it. */
interface JsonSchema {
    type?: string | string[];
    enum?: string[];
    $ref?: string;
    anyOf?: JsonSchema[];
    items?: JsonSchema;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    description?: string;
}

/** A Pulumi schema property or type spec (pulumi/pkg/codegen/schema). */
export interface PropertySpec {
    type?: string;
    $ref?: string;
    items?: PropertySpec;
    description?: string;
    secret?: boolean;
}

interface ObjectTypeSpec {
    type: "object";
    description?: string;
    properties: Record<string, PropertySpec>;
    required?: string[];
}

interface EnumTypeSpec {
    type: "string";
    description?: string;
    enum: { value: string; name?: string }[];
}

const definitions: Record<string, JsonSchema> = schema.definitions;

function capitalized(name: string): string {
    return name.charAt(0).toUpperCase() + name.slice(1);
}

function typeRef(name: string): string {
    return `#/types/${PACKAGE}:index:${name}`;
}

/**
 * Converts one JSON Schema property. Pulumi's schema has no null: a nullable property is an
 * optional one. Enums and objects become named types (definitions by their definition's name,
 * inline enums by their property's name).
 */
function propertySpec(
    property: string,
    source: JsonSchema,
    types: Map<string, ObjectTypeSpec | EnumTypeSpec>,
): PropertySpec {
    const spec = typeSpec(property, source, types);
    return source.description === undefined ? spec : { ...spec, description: source.description };
}

function typeSpec(
    property: string,
    source: JsonSchema,
    types: Map<string, ObjectTypeSpec | EnumTypeSpec>,
): PropertySpec {
    if (source.$ref !== undefined) {
        const name = source.$ref.replace(/^#\/definitions\//, "");
        const target = definitions[name];
        if (!target)
            throw new Error(`schema.json: ${property} refers to ${source.$ref}, which is not defined`);
        if (target.enum === undefined && target.properties === undefined)
            return typeSpec(property, target, types);
        return { $ref: typeRef(namedType(capitalized(name), target, types)) };
    }
    if (source.anyOf !== undefined) {
        const branches = source.anyOf.filter((branch) => branch.type !== "null");
        if (branches.length !== 1)
            throw new Error(`schema.json: ${property} has an anyOf this conversion cannot name`);
        return typeSpec(property, branches[0], types);
    }
    if (source.enum !== undefined) return { $ref: typeRef(namedType(capitalized(property), source, types)) };
    const kinds = (Array.isArray(source.type) ? source.type : [source.type]).filter((t) => t !== "null");
    if (kinds.length !== 1 || kinds[0] === undefined)
        throw new Error(`schema.json: ${property} has no single type`);
    const kind = kinds[0];
    if (kind === "array") {
        if (!source.items) throw new Error(`schema.json: array ${property} has no items`);
        return { type: "array", items: typeSpec(property, source.items, types) };
    }
    if (kind === "object") return { $ref: typeRef(namedType(capitalized(property), source, types)) };
    if (["string", "integer", "number", "boolean"].includes(kind)) return { type: kind };
    throw new Error(`schema.json: ${property} has type ${kind}, which has no Pulumi equivalent here`);
}

/**
 * The Go SDK names an enum's constants type name + value (ExpirationDateSource + Input), beside its
 * own TypeInput, TypeOutput, TypePtr… types: a value spelt like one of those suffixes would collide
 * (the generator stops), so it gets a name of its own. The value on the wire stays the same.
 */
const GO_TYPE_SUFFIX =
    /^(?:Input|Output|Ptr|PtrInput|PtrOutput|Array|ArrayInput|ArrayOutput|Map|MapInput|MapOutput)$/;

function enumValue(value: string): { value: string; name?: string } {
    const name = capitalized(value);
    return GO_TYPE_SUFFIX.test(name) ? { value, name: `${name}Value` } : { value };
}

function namedType(
    name: string,
    source: JsonSchema,
    types: Map<string, ObjectTypeSpec | EnumTypeSpec>,
): string {
    if (types.has(name)) return name;
    if (source.enum !== undefined) {
        types.set(name, {
            type: "string",
            ...(source.description === undefined ? {} : { description: source.description }),
            enum: source.enum.map(enumValue),
        });
        return name;
    }
    const spec: ObjectTypeSpec = { type: "object", properties: {} };
    types.set(name, spec); // set first: a type may refer to itself
    spec.properties = propertiesOf(source, types);
    if (source.required && source.required.length > 0) spec.required = [...source.required];
    return name;
}

function propertiesOf(
    source: JsonSchema,
    types: Map<string, ObjectTypeSpec | EnumTypeSpec>,
): Record<string, PropertySpec> {
    return Object.fromEntries(
        Object.entries(source.properties ?? {}).map(([name, property]) => [
            name,
            propertySpec(name, property, types),
        ]),
    );
}

/** The provider's own settings, from the settings table: one tenant and API client per provider instance. */
function providerSettings(): Record<string, PropertySpec> {
    return Object.fromEntries(
        SETTINGS.map((s) => [
            s.name,
            {
                ...(s.name === "apiVersion" ? { $ref: typeRef("ApiVersion") } : { type: "string" }),
                ...(s.secret ? { secret: true } : {}),
                description:
                    "env" in s
                        ? `${s.description} Environment variable: ${s.env}. ${SOURCE_RULE}`
                        : s.description,
            },
        ]),
    );
}

/**
 * The Go module of the Go SDK (sdk/go.mod): the repository's sdk/ folder, as Pulumi providers lay theirs
 * out. The package is `<module>/go/iscpat`.
 */
export const GO_MODULE = "github.com/isc-pat/pulumi-sailpoint-pat/sdk";
const REPOSITORY = "https://github.com/isc-pat/pulumi-sailpoint-pat";

/**
 * What the registry and the SDKs show of the package. No pluginDownloadURL: no public place serves the
 * plugin's tarballs yet (they are installed with `pulumi plugin install … --file`).
 */
function packageMetadata(version: string): Record<string, unknown> {
    return {
        name: PACKAGE,
        displayName: "SailPoint ISC personal access tokens",
        version,
        description:
            "SailPoint Identity Security Cloud personal access tokens (PATs): the native plugin of @isc-pat/pulumi-sailpoint-pat.",
        keywords: ["pulumi", "sailpoint", "identitynow", "category/utility", "kind/native"],
        publisher: "isc-pat",
        license: "Apache-2.0",
        repository: REPOSITORY,
        homepage: `${REPOSITORY}#readme`,
        meta: { moduleFormat: "(.*)" },
        language: {
            nodejs: {
                packageName: "@isc-pat/iscpat",
                packageDescription: "The iscpat native plugin's SDK.",
            },
            python: { packageName: "pulumi_iscpat" },
            go: { importBasePath: `${GO_MODULE}/go/iscpat` },
        },
    };
}

/**
 * The named types, each described: an object or enum type without a description of its own takes that
 * of the first property that refers to it.
 */
function describedTypes(
    types: Map<string, ObjectTypeSpec | EnumTypeSpec>,
    referrers: Record<string, PropertySpec>[],
): Record<string, ObjectTypeSpec | EnumTypeSpec> {
    const described: Record<string, ObjectTypeSpec | EnumTypeSpec> = {};
    for (const [name, spec] of types) {
        const ref = typeRef(name);
        const referrer = referrers
            .flatMap((properties) => Object.values(properties))
            .find((property) => property.$ref === ref && property.description !== undefined);
        described[`${PACKAGE}:index:${name}`] =
            spec.description === undefined && referrer
                ? { ...spec, description: referrer.description }
                : spec;
    }
    return described;
}

/** How a provider picks its source, said in every setting's description. */
const SOURCE_RULE =
    "A provider takes its connection (baseUrl, clientId, clientSecret) from one place: its own settings when any of them is set (then all three are needed), else the SAIL_* environment variables.";

/** The package schema for GetSchema and the SDK generators. */
export function packageSchema(version: string): Record<string, unknown> {
    const types = new Map<string, ObjectTypeSpec | EnumTypeSpec>();
    const inputs = definitions.inputs;
    const outputs = definitions.outputs;
    const inputProperties = propertiesOf(inputs, types);
    const properties = propertiesOf(outputs, types);
    for (const name of SECRET_OUTPUTS) properties[name] = { ...properties[name], secret: true };
    namedType("ApiVersion", definitions.apiVersion, types);
    return {
        ...packageMetadata(version),
        config: { variables: providerSettings() },
        provider: {
            description:
                "A SailPoint tenant and API client. Several provider instances manage tokens at several tenants, or of several API clients, in one program.",
            inputProperties: providerSettings(),
        },
        resources: {
            [RESOURCE_TOKEN]: {
                description:
                    "A SailPoint Identity Security Cloud personal access token (PAT). Its id is the token's client id; the secret output pairs with it.",
                inputProperties,
                requiredInputs: [...(inputs.required ?? [])],
                properties,
                required: [...(outputs.required ?? [])],
            },
        },
        types: describedTypes(types, [inputProperties, properties]),
    };
}

// The native plugin's pure parts: the package schema generated from schema.json, the secret
// wrapping of property values, and the provider settings' check, diff and key forms.
import assert from "node:assert/strict";
import fc from "fast-check";
import schema from "../../schema.json";
import { packageSchema, RESOURCE_TOKEN } from "../../provider/native/package-schema";
import {
    checkSettings,
    configSource,
    diffSettings,
    nativeWording,
    settingsFrom,
} from "../../provider/native/settings";
import { SECRET_SIG, SIG_KEY, UNKNOWN, unwrap, wrap } from "../../provider/native/values";
import { INPUT_NAMES, OUTPUT_ONLY_NAMES } from "../../provider/rules/types";

type Spec = { type?: string; $ref?: string; items?: Spec; description?: string; secret?: boolean };
type Resource = {
    inputProperties: Record<string, Spec>;
    properties: Record<string, Spec>;
    requiredInputs: string[];
    required: string[];
};

const generated = packageSchema("1.2.3") as {
    name: string;
    version: string;
    config: { variables: Record<string, Spec> };
    provider: { inputProperties: Record<string, Spec> };
    resources: Record<string, Resource>;
    types: Record<string, { type: string; properties?: Record<string, Spec>; enum?: { value: string }[] }>;
};
const resource = generated.resources[RESOURCE_TOKEN];
const defs = schema.definitions as unknown as Record<
    string,
    { properties: Record<string, { description?: string }>; required: string[] }
>;

describe("the native plugin's package schema (generated from schema.json)", () => {
    it("names the package iscpat, the version given, and one resource", () => {
        assert.equal(generated.name, "iscpat");
        assert.equal(generated.version, "1.2.3");
        assert.deepEqual(Object.keys(generated.resources), ["iscpat:index:PersonalAccessToken"]);
    });

    it("carries the metadata the registry and the SDKs read, and no pluginDownloadURL (nothing serves the tarballs)", () => {
        const meta = generated as unknown as Record<string, unknown>;
        for (const key of ["displayName", "publisher", "license", "repository", "homepage", "description"])
            assert.ok(typeof meta[key] === "string" && (meta[key] as string).length > 0, key);
        assert.equal(meta.license, "Apache-2.0");
        const keywords = meta.keywords as string[];
        assert.equal(keywords.filter((k) => k.startsWith("category/")).length, 1, "one category keyword");
        assert.ok(keywords.includes("kind/native"));
        assert.equal(meta.pluginDownloadURL, undefined);
        assert.deepEqual(meta.language, {
            nodejs: { packageName: "@isc-pat/iscpat", packageDescription: "The iscpat native plugin's SDK." },
            python: { packageName: "pulumi_iscpat" },
            go: { importBasePath: "github.com/isc-pat/pulumi-sailpoint-pat/sdk/go/iscpat" },
        });
    });

    it("describes every property, the provider, its config and every named type", () => {
        const described = (where: string, props: Record<string, Spec> | undefined) => {
            for (const [name, spec] of Object.entries(props ?? {}))
                assert.ok(
                    spec.description && spec.description.length > 0,
                    `${where}.${name} has a description`,
                );
        };
        described("config", generated.config.variables);
        described("provider", generated.provider.inputProperties);
        assert.ok((generated.provider as { description?: string }).description);
        described("inputs", resource.inputProperties);
        described("outputs", resource.properties);
        for (const [name, type] of Object.entries(generated.types)) {
            assert.ok((type as { description?: string }).description, `type ${name} has a description`);
            described(name, type.properties);
        }
    });

    it("has every input and output of schema.json, with its description and required list", () => {
        assert.deepEqual(Object.keys(resource.inputProperties).sort(), [...INPUT_NAMES].sort());
        assert.deepEqual(
            Object.keys(resource.properties).sort(),
            [...INPUT_NAMES, ...OUTPUT_ONLY_NAMES].sort(),
        );
        for (const [kind, props] of [
            ["inputs", resource.inputProperties],
            ["outputs", resource.properties],
        ] as const) {
            for (const [name, spec] of Object.entries(props)) {
                assert.equal(
                    spec.description,
                    nativeWording(defs[kind].properties[name].description ?? ""),
                    `${kind}.${name}`,
                );
            }
        }
        assert.deepEqual(resource.requiredInputs, defs.inputs.required);
        assert.deepEqual(resource.required, defs.outputs.required);
    });

    it("words its descriptions for the plugin: iscpat: settings, never the dynamic resource's sailpoint: keys", () => {
        const text = JSON.stringify(packageSchema("0.0.0"));
        assert.doesNotMatch(text, /sailpoint:(baseUrl|clientId|clientSecret|apiVersion)/);
        assert.match(resource.inputProperties.apiVersion.description ?? "", /iscpat:apiVersion/);
    });

    it("maps types: nullable to optional, objects and enums to named types, every reference resolvable", () => {
        assert.deepEqual(resource.inputProperties.scope.items, { type: "string" });
        assert.equal(resource.inputProperties.expirationDate.type, "string");
        assert.equal(resource.inputProperties.accessTokenValiditySeconds.type, "integer");
        assert.equal(resource.inputProperties.rotation.$ref, "#/types/iscpat:index:Rotation");
        assert.deepEqual(
            generated.types["iscpat:index:ApiVersion"].enum?.map((e) => e.value),
            ["beta", "v3", "v2024", "v2025", "v2026", "v1"],
        );
        const refs = JSON.stringify(generated).match(/#\/types\/[^"]+/g) ?? [];
        for (const ref of refs) assert.ok(generated.types[ref.slice("#/types/".length)], ref);
    });

    it("marks secret secret, and the client secret in both config and provider", () => {
        const secrets = Object.entries(resource.properties)
            .filter(([, s]) => s.secret)
            .map(([n]) => n);
        assert.deepEqual(secrets, ["secret"]);
        for (const settings of [generated.config.variables, generated.provider.inputProperties]) {
            assert.deepEqual(Object.keys(settings), ["baseUrl", "clientId", "clientSecret", "apiVersion"]);
            assert.equal(settings.clientSecret.secret, true);
            assert.ok(!settings.clientId.secret && !settings.baseUrl.secret);
        }
    });
});

describe("the native plugin's property values", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    it("unwrap(wrap(x, keys)) gives back x, with exactly those keys secret", () => {
        fc.assert(
            fc.property(
                fc.dictionary(fc.string({ minLength: 1 }), json),
                fc.array(fc.string()),
                (props, keys) => {
                    const wrapped = wrap(props, keys);
                    const { values, secrets } = unwrap(wrapped);
                    assert.equal(JSON.stringify(values), JSON.stringify(props));
                    const expected = Object.keys(props).filter((k) => keys.includes(k));
                    assert.deepEqual([...secrets].sort(), expected.sort());
                },
            ),
        );
    });
    it("finds a secret nested anywhere in a property, and an unknown inside a secret stays unknown", () => {
        const nested = unwrap({
            scope: ["a", { [SIG_KEY]: SECRET_SIG, value: "b" }],
            name: { [SIG_KEY]: SECRET_SIG, value: UNKNOWN },
            plain: 1,
        });
        assert.deepEqual(nested.values, { scope: ["a", "b"], name: UNKNOWN, plain: 1 });
        assert.deepEqual([...nested.secrets].sort(), ["name", "scope"]);
        assert.deepEqual(wrap({ a: undefined, b: { c: undefined, d: 1 } }, []), { b: { d: 1 } });
    });
});

describe("the native plugin's provider settings", () => {
    const base = { baseUrl: "https://acme.api.identitynow.com", clientId: "c", clientSecret: "s" };
    it("reads args first, else the variables in every key form; unknown or empty counts as unset", () => {
        assert.deepEqual(
            settingsFrom({ ...base, apiVersion: UNKNOWN }, new Map([["iscpat:config:apiVersion", "v3"]])),
            base,
        );
        for (const key of ["iscpat:config:clientId", "iscpat:clientId", "clientId"]) {
            assert.deepEqual(settingsFrom(undefined, new Map([[key, "c"]])), { clientId: "c" }, key);
        }
        assert.deepEqual(settingsFrom({ baseUrl: " " }, new Map()), {});
        const source = configSource({ baseUrl: "u", apiVersion: "v2025" });
        assert.equal(source.get("sailpoint:baseUrl"), "u");
        assert.equal(source.get("sailpoint:apiVersion"), "v2025");
        assert.equal(source.get("sailpoint:clientId"), undefined);
        assert.equal(source.get("iscpat:baseUrl"), undefined);
    });
    it("words messages with the plugin's keys", () => {
        assert.equal(
            nativeWording("check sailpoint:clientId / SAIL_CLIENT_ID and sailpoint:baseUrl"),
            "check iscpat:clientId / SAIL_CLIENT_ID and iscpat:baseUrl",
        );
    });
    it("checks the tenant URL and API version, and lets unknowns pass", () => {
        assert.deepEqual(checkSettings(base), []);
        assert.deepEqual(checkSettings({ baseUrl: UNKNOWN, apiVersion: UNKNOWN }), []);
        assert.deepEqual(
            checkSettings({
                baseUrl: "https://acme.api.identitynow.com/v3",
                apiVersion: "v4",
                clientId: 7,
            }).map((f) => f.property),
            ["baseUrl", "clientId", "apiVersion"],
        );
    });
    it("replaces for another tenant only: the environment's when the setting is absent, the URL normalised", () => {
        const env = { SAIL_BASE_URL: "https://acme.api.identitynow.com/" };
        assert.deepEqual(diffSettings(base, { ...base, baseUrl: undefined }, env), {
            changed: ["baseUrl"],
            replaces: [],
        });
        assert.deepEqual(diffSettings(base, { ...base, baseUrl: undefined }, {}), {
            changed: ["baseUrl"],
            replaces: ["baseUrl"],
        });
        assert.deepEqual(diffSettings({}, {}, env), { changed: [], replaces: [] });
        assert.deepEqual(diffSettings(base, { ...base, clientSecret: "t", clientId: "d" }, {}), {
            changed: ["clientId", "clientSecret"],
            replaces: [],
        });
        assert.deepEqual(diffSettings(base, { ...base, baseUrl: UNKNOWN }, {}).replaces, ["baseUrl"]);
    });
});

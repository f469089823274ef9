// The native plugin's pure parts: the package schema generated from schema.json, the secret
// wrapping of property values, and the provider settings' check, diff and key forms.
import assert from "node:assert/strict";
import fc from "fast-check";
import schema from "../../schema.json";
import { packageSchema, RESOURCE_TOKEN } from "../../provider/native/package-schema";
import {
    checkedSettings,
    checkSettings,
    diffSettings,
    placeOf,
    settingsFrom,
} from "../../provider/native/settings";
import { SECRET_SIG, SIG_KEY, UNKNOWN, unwrap, wrap } from "../../provider/native/values";
import { INPUT_NAMES, OUTPUT_ONLY_NAMES } from "../../provider/rules/types";
import { API_VERSIONS } from "../../provider/rules/versions";
import { configKey, SETTINGS } from "../../provider/isc-client/settings";

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
                assert.equal(spec.description, defs[kind].properties[name].description, `${kind}.${name}`);
            }
        }
        assert.deepEqual(resource.requiredInputs, defs.inputs.required);
        assert.deepEqual(resource.required, defs.outputs.required);
    });

    it("takes the provider's settings from the settings table: names, secrecy, descriptions", () => {
        for (const settings of [generated.config.variables, generated.provider.inputProperties]) {
            for (const s of SETTINGS) {
                assert.equal(Boolean(settings[s.name].secret), s.secret, s.name);
                assert.ok(settings[s.name].description?.startsWith(s.description), s.name);
            }
        }
    });

    it("maps types: nullable to optional, objects and enums to named types, every reference resolvable", () => {
        assert.deepEqual(resource.inputProperties.scope.items, { type: "string" });
        assert.equal(resource.inputProperties.expirationDate.type, "string");
        assert.equal(resource.inputProperties.accessTokenValiditySeconds.type, "integer");
        assert.equal(resource.inputProperties.rotation.$ref, "#/types/iscpat:index:Rotation");
        assert.deepEqual(
            generated.types["iscpat:index:ApiVersion"].enum?.map((e) => e.value),
            API_VERSIONS,
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
            assert.deepEqual(
                Object.keys(settings),
                SETTINGS.map((s) => s.name),
            );
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
    const EXPLICIT = { door: "native", explicit: true } as const;
    const DEFAULT = { door: "native", explicit: false } as const;
    it("reads args first, else the variables in every key form; empty counts as unset, an unknown as given", () => {
        assert.deepEqual(
            settingsFrom({ ...base, apiVersion: UNKNOWN }, new Map([["iscpat:config:apiVersion", "v3"]])),
            { ...base, apiVersion: UNKNOWN },
        );
        for (const key of ["iscpat:config:clientId", configKey("native", "clientId"), "clientId"]) {
            assert.deepEqual(settingsFrom(undefined, new Map([[key, "c"]])), { clientId: "c" }, key);
        }
        assert.deepEqual(settingsFrom({ baseUrl: " " }, new Map()), {});
    });
    it("tells a default provider (stack config) from an explicit one by its URN's name", () => {
        assert.deepEqual(placeOf("urn:pulumi:dev::p::pulumi:providers:iscpat::default_1_2_3"), DEFAULT);
        assert.deepEqual(placeOf("urn:pulumi:dev::p::pulumi:providers:iscpat::prod"), EXPLICIT);
        assert.deepEqual(placeOf(""), DEFAULT);
    });
    it("checks each setting with the table's check, and lets unknowns pass", () => {
        assert.deepEqual(checkSettings(base, EXPLICIT), []);
        assert.deepEqual(
            checkSettings(
                { baseUrl: UNKNOWN, clientId: UNKNOWN, clientSecret: UNKNOWN, apiVersion: UNKNOWN },
                EXPLICIT,
            ),
            [],
        );
        assert.deepEqual(
            checkSettings(
                {
                    baseUrl: "https://acme.api.identitynow.com/v3",
                    apiVersion: "v4",
                    clientId: 7,
                    clientSecret: "s",
                },
                EXPLICIT,
            ).map((f) => f.property),
            ["baseUrl", "clientId", "apiVersion", "clientId"],
        );
    });
    it("fails a partial connection, naming each missing setting, whatever else is unknown", () => {
        for (const [given, missing] of [
            [{ baseUrl: base.baseUrl }, ["clientId", "clientSecret"]],
            [{ baseUrl: base.baseUrl, clientId: "c" }, ["clientSecret"]],
            [{ baseUrl: UNKNOWN, clientId: UNKNOWN, clientSecret: "" }, ["clientSecret"]],
            [{ clientSecret: UNKNOWN }, ["baseUrl", "clientId"]],
        ] as [Record<string, string>, string[]][]) {
            const failures = checkSettings(given, EXPLICIT);
            assert.deepEqual(
                failures.map((f) => f.property),
                missing,
                JSON.stringify(given),
            );
            for (const f of failures)
                assert.match(f.reason, /is missing: this provider takes its connection from its properties/);
        }
        assert.match(checkSettings({ clientId: "c" }, DEFAULT)[0].reason, /from its stack config/);
        // None of the three: the environment is the source, and nothing is missing yet.
        assert.deepEqual(checkSettings({ apiVersion: "v3" }, EXPLICIT), []);
    });
    it("records the environment's tenant and client (never its secret) when it is the source", () => {
        const env = {
            SAIL_BASE_URL: "https://acme.api.identitynow.com/",
            SAIL_CLIENT_ID: "e",
            SAIL_CLIENT_SECRET: "x",
        };
        assert.deepEqual(checkedSettings({ apiVersion: "v3" }, env), {
            apiVersion: "v3",
            fromEnvironment: { baseUrl: "https://acme.api.identitynow.com", clientId: "e" },
        });
        assert.deepEqual(checkedSettings(base, env), base);
    });
    it("diffs the effective settings: the environment's record included, a stack without it unchanged", () => {
        const envA = checkedSettings(
            {},
            { SAIL_BASE_URL: "https://a.api.identitynow.com", SAIL_CLIENT_ID: "e" },
        );
        const envB = checkedSettings(
            {},
            { SAIL_BASE_URL: "https://b.api.identitynow.com", SAIL_CLIENT_ID: "e" },
        );
        assert.deepEqual(diffSettings(envA, envA), { changed: [], moved: false });
        const moved = diffSettings(envA, envB);
        assert.deepEqual(moved.changed, ["fromEnvironment"]);
        assert.equal(moved.environmentMoved?.from.baseUrl, "https://a.api.identitynow.com");
        assert.equal(moved.environmentMoved?.to.baseUrl, "https://b.api.identitynow.com");
        // Written before the record: no change.
        assert.deepEqual(diffSettings({}, envB), { changed: [], moved: false });
        // Given settings: a trailing slash is the same tenant; a new client id may be another identity.
        assert.equal(diffSettings(base, { ...base, baseUrl: `${base.baseUrl}/` }).moved, false);
        assert.equal(diffSettings(base, { ...base, clientSecret: "t" }).moved, false);
        assert.equal(diffSettings(base, { ...base, clientId: "d" }).moved, true);
        assert.equal(diffSettings(base, { ...base, baseUrl: UNKNOWN }).moved, true);
    });
});

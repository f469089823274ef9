// resolveConnection, normalizeBaseUrl and resolveDefaultApiVersion: the stack config first, then
// the SAIL_* environment variables; nothing read from process.env here.
import assert from "node:assert/strict";
import {
    isLoopbackHost,
    normalizeBaseUrl,
    resolveConnection,
    resolveDefaultApiVersion,
    type ConfigSource,
    type Environment,
} from "../../provider/isc-client/config";
import { ConfigurationError } from "../../provider/isc-client/errors";
import { MAX_SECRET_CHARS } from "../../provider/isc-client/redact";
import { hygiene } from "../support/hygiene";
import { API_VERSIONS, API_VERSIONS_TEXT } from "../../provider/rules/versions";

function config(values: Record<string, string>): ConfigSource {
    return { get: (key) => values[key] };
}

/** Runs fn, expects a ConfigurationError, records its text for the suite's secret check. */
function configError(fn: () => unknown): ConfigurationError {
    let caught: unknown;
    try {
        fn();
    } catch (error) {
        caught = error;
    }
    assert.ok(caught instanceof ConfigurationError, `expected a ConfigurationError, got ${String(caught)}`);
    assert.equal(caught.name, "ConfigurationError");
    return hygiene.error("unit config error", caught);
}

const SETTINGS = [
    { key: "sailpoint:baseUrl", env: "SAIL_BASE_URL", field: "baseUrl", secret: false },
    { key: "sailpoint:clientId", env: "SAIL_CLIENT_ID", field: "clientId", secret: false },
    { key: "sailpoint:clientSecret", env: "SAIL_CLIENT_SECRET", field: "clientSecret", secret: true },
] as const;

const FROM_CONFIG = {
    "sailpoint:baseUrl": "https://config.api.identitynow.com",
    "sailpoint:clientId": "config-client-id",
    "sailpoint:clientSecret": "config-client-secret-9f8e7d6c5b4a39281706",
};
const FROM_ENV = {
    SAIL_BASE_URL: "https://env.api.identitynow.com",
    SAIL_CLIENT_ID: "env-client-id",
    SAIL_CLIENT_SECRET: "env-client-secret-0a1b2c3d4e5f60718293",
};
hygiene.secret(FROM_CONFIG["sailpoint:clientSecret"]);
hygiene.secret(FROM_ENV.SAIL_CLIENT_SECRET);

describe("config", () => {
    describe("resolveConnection", () => {
        it("takes every setting from the stack config when both are set", () => {
            assert.deepEqual(resolveConnection(config(FROM_CONFIG), FROM_ENV), {
                baseUrl: "https://config.api.identitynow.com",
                clientId: "config-client-id",
                clientSecret: FROM_CONFIG["sailpoint:clientSecret"],
            });
        });

        it("takes every setting from the environment when the config has none", () => {
            const expected = {
                baseUrl: "https://env.api.identitynow.com",
                clientId: "env-client-id",
                clientSecret: FROM_ENV.SAIL_CLIENT_SECRET,
            };
            assert.deepEqual(resolveConnection(config({}), FROM_ENV), expected);
            assert.deepEqual(resolveConnection(undefined, FROM_ENV), expected);
        });

        for (const s of SETTINGS) {
            it(`resolves ${s.field} per key: config ${s.key} first, then ${s.env}`, () => {
                // Only this key in the config: it wins over the environment, the others come from the environment.
                const only = resolveConnection(config({ [s.key]: FROM_CONFIG[s.key] }), FROM_ENV);
                for (const other of SETTINGS) {
                    const expected = other === s ? FROM_CONFIG[other.key] : FROM_ENV[other.env];
                    assert.equal(only[other.field], expected, `${other.field} with only ${s.key} in config`);
                }
                // Every key but this one in the config: this one comes from the environment.
                const allBut = Object.fromEntries(Object.entries(FROM_CONFIG).filter(([k]) => k !== s.key));
                const resolved = resolveConnection(config(allBut), FROM_ENV);
                for (const other of SETTINGS) {
                    const expected = other === s ? FROM_ENV[other.env] : FROM_CONFIG[other.key];
                    assert.equal(
                        resolved[other.field],
                        expected,
                        `${other.field} with ${s.key} missing from config`,
                    );
                }
            });

            it(`treats an empty or blank ${s.key} as unset and trims values`, () => {
                for (const blank of ["", "   "]) {
                    const values = { ...FROM_CONFIG, [s.key]: blank };
                    assert.equal(resolveConnection(config(values), FROM_ENV)[s.field], FROM_ENV[s.env]);
                }
                const padded = { ...FROM_ENV, [s.env]: `  ${FROM_ENV[s.env]}  ` };
                assert.equal(resolveConnection(config({}), padded)[s.field], FROM_ENV[s.env]);
            });
        }

        it("normalizes the base URL it resolves", () => {
            const env = { ...FROM_ENV, SAIL_BASE_URL: "https://acme.api.identitynow.com/" };
            assert.equal(resolveConnection(undefined, env).baseUrl, "https://acme.api.identitynow.com");
        });

        const subsets: string[][] = [
            ["sailpoint:baseUrl"],
            ["sailpoint:clientId"],
            ["sailpoint:clientSecret"],
            ["sailpoint:baseUrl", "sailpoint:clientSecret"],
            ["sailpoint:baseUrl", "sailpoint:clientId", "sailpoint:clientSecret"],
        ];
        for (const missing of subsets) {
            it(`one ConfigurationError naming both ways for exactly: ${missing.join(", ")}`, () => {
                const present = Object.fromEntries(
                    Object.entries(FROM_CONFIG).filter(([k]) => !missing.includes(k)),
                );
                for (const [cfg, env] of [
                    [config(present), {}],
                    [
                        config({}),
                        Object.fromEntries(
                            SETTINGS.filter((s) => !missing.includes(s.key)).map((s) => [
                                s.env,
                                FROM_ENV[s.env],
                            ]),
                        ),
                    ],
                ] as [ConfigSource, Environment][]) {
                    const error = configError(() => resolveConnection(cfg, env));
                    const message = error.message;
                    for (const s of SETTINGS) {
                        if (missing.includes(s.key)) {
                            const set = `pulumi config set ${s.secret ? "--secret " : ""}${s.key}`;
                            assert.ok(message.includes(set), `"${set}" missing from: ${message}`);
                            assert.ok(
                                message.includes(`export ${s.env}=`),
                                `export ${s.env} missing from: ${message}`,
                            );
                        } else {
                            assert.ok(!message.includes(s.key), `${s.key} is present but named: ${message}`);
                            assert.ok(!message.includes(s.env), `${s.env} is present but named: ${message}`);
                        }
                    }
                    assert.ok(!message.includes(FROM_CONFIG["sailpoint:clientSecret"]));
                    assert.ok(!message.includes(FROM_ENV.SAIL_CLIENT_SECRET));
                }
            });
        }

        it("refuses a client secret longer than any secret (the scrubber could not mask it), without showing it", () => {
            const secret = "e".repeat(MAX_SECRET_CHARS + 1);
            const error = configError(() =>
                resolveConnection(config({}), { ...FROM_ENV, SAIL_CLIENT_SECRET: secret }),
            );
            assert.match(
                error.message,
                new RegExp(
                    `SAIL_CLIENT_SECRET\\) is ${MAX_SECRET_CHARS + 1} characters long, more than the ${MAX_SECRET_CHARS}`,
                ),
            );
            assert.ok(!error.message.includes("eeeeeeee"), error.message);
            const longest = "e".repeat(MAX_SECRET_CHARS);
            hygiene.secret(longest);
            assert.equal(
                resolveConnection(config({}), { ...FROM_ENV, SAIL_CLIENT_SECRET: longest }).clientSecret,
                longest,
            );
        });

        it("never shows the client secret, even when it ends up in the base URL", () => {
            const secret = "swapped-secret-7e6d5c4b3a291807f6e5d4c3";
            hygiene.secret(secret);
            // The user swapped the two variables: the secret is in SAIL_BASE_URL and is echoed as "not a URL".
            const error = configError(() =>
                resolveConnection(config({ "sailpoint:clientSecret": secret, "sailpoint:clientId": "id" }), {
                    SAIL_BASE_URL: secret,
                }),
            );
            assert.match(error.message, /not a URL/);
            assert.ok(!error.message.includes(secret), error.message);
            assert.ok(!String(error.stack).includes(secret));
            // In the URL's credentials.
            const inUrl = configError(() =>
                resolveConnection(config({ "sailpoint:clientSecret": secret, "sailpoint:clientId": "id" }), {
                    SAIL_BASE_URL: `https://id:${secret}@acme.api.identitynow.com`,
                }),
            );
            assert.ok(!inUrl.message.includes(secret), inUrl.message);
        });
    });

    describe("normalizeBaseUrl", () => {
        const accepted: [string, string][] = [
            ["https://acme.api.identitynow.com", "https://acme.api.identitynow.com"],
            ["https://acme.api.identitynow.com/", "https://acme.api.identitynow.com"],
            ["https://acme.api.identitynow.com//", "https://acme.api.identitynow.com"],
            ["https://ACME.api.identitynow.com", "https://acme.api.identitynow.com"],
            ["https://acme.api.identitynow.com:8443/", "https://acme.api.identitynow.com:8443"],
            ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
            ["http://127.0.0.1:8080/", "http://127.0.0.1:8080"],
            ["http://127.1.2.3", "http://127.1.2.3"],
            ["http://localhost", "http://localhost"],
            ["http://localhost:3000/", "http://localhost:3000"],
            ["http://[::1]", "http://[::1]"],
            ["http://[::1]:9000", "http://[::1]:9000"],
        ];
        for (const [raw, expected] of accepted) {
            it(`accepts ${raw} as ${expected}`, () => {
                assert.equal(normalizeBaseUrl(raw), expected);
            });
        }

        const refused: [string, RegExp][] = [
            ["http://example.com", /must use https:\/\//],
            ["http://acme.api.identitynow.com", /must use https:\/\//],
            ["http://localhost.example.com", /must use https:\/\//],
            ["http://10.0.0.1:8080", /must use https:\/\//],
            ["ftp://acme.api.identitynow.com", /must use https:\/\//],
            ["https://acme.api.identitynow.com/v3", /no path.*"\/v3"/],
            ["https://acme.api.identitynow.com/beta/", /no path/],
            ["https://acme.api.identitynow.com/oauth/token", /no path/],
            ["http://127.0.0.1:8080/v2025", /no path/],
            ["https://acme.api.identitynow.com?x=1", /query/],
            ["https://acme.api.identitynow.com#frag", /fragment/],
            ["acme.api.identitynow.com", /not a URL.*https:\/\/<tenant>\.api\.identitynow\.com/],
            ["not a url", /not a URL/],
            ["", /not a URL/],
        ];
        for (const [raw, reason] of refused) {
            it(`refuses ${JSON.stringify(raw)}`, () => {
                const error = configError(() => normalizeBaseUrl(raw));
                assert.match(error.message, reason);
            });
        }

        it("says https and names the emulator exception when refusing http", () => {
            const error = configError(() => normalizeBaseUrl("http://example.com"));
            assert.match(error.message, /https/);
            assert.match(error.message, /loopback/);
        });

        it("knows the loopback hosts", () => {
            for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9", "::1", "[::1]"]) {
                assert.equal(isLoopbackHost(host), true, host);
            }
            for (const host of [
                "example.com",
                "127.0.0.1.nip.io",
                "128.0.0.1",
                "localhost.evil",
                "::2",
                "",
            ]) {
                assert.equal(isLoopbackHost(host), false, host);
            }
        });
    });

    describe("resolveDefaultApiVersion", () => {
        it("returns a valid sailpoint:apiVersion", () => {
            for (const version of API_VERSIONS) {
                assert.equal(resolveDefaultApiVersion(config({ "sailpoint:apiVersion": version })), version);
            }
            assert.equal(resolveDefaultApiVersion(config({ "sailpoint:apiVersion": " v3 " })), "v3");
        });

        it("defaults to v1 when empty or unset", () => {
            assert.equal(resolveDefaultApiVersion(undefined), "v1");
            assert.equal(resolveDefaultApiVersion(config({})), "v1");
            assert.equal(resolveDefaultApiVersion(config({ "sailpoint:apiVersion": "" })), "v1");
            assert.equal(resolveDefaultApiVersion(config({ "sailpoint:apiVersion": "  " })), "v1");
        });

        for (const bad of ["v4", "V3", "2025", "latest"]) {
            it(`refuses ${bad} and lists the valid versions`, () => {
                const error = configError(() =>
                    resolveDefaultApiVersion(config({ "sailpoint:apiVersion": bad })),
                );
                assert.match(error.message, new RegExp(`sailpoint:apiVersion is "${bad}"`));
                assert.ok(error.message.includes(API_VERSIONS_TEXT), error.message);
            });
        }
    });
});

// resolveConnection, normalizeBaseUrl and resolveDefaultApiVersion: the stack config first, then
// the SAIL_* environment variables; nothing read from process.env here.
import assert from "node:assert/strict";
import {
    isLoopbackHost,
    normalizeBaseUrl,
    resolveConnection,
    resolveDefaultApiVersion,
    resolveFromEnvironment,
    givenFromConfig,
    stackSettings,
    type ConnectionSettings,
    type Environment,
    type GivenSettings,
} from "../../provider/isc-client/config";
import { configKey } from "../../provider/isc-client/settings";
import { UNKNOWN } from "../../provider/rules/types";
import { ConfigurationError } from "../../provider/isc-client/errors";
import { MAX_SECRET_CHARS } from "../../provider/isc-client/redact";
import { hygiene } from "../support/hygiene";
import { API_VERSIONS, API_VERSIONS_TEXT } from "../../provider/rules/versions";

const DYNAMIC = { door: "dynamic", explicit: false } as const;

/** The connection without the note of where it came from. */
function withoutSource(settings: ConnectionSettings): Omit<ConnectionSettings, "source"> {
    const { source: _source, ...rest } = settings;
    return rest;
}

/** The dynamic door's stack config, as its configure reads it. */
function config(values: Record<string, string>): GivenSettings {
    return givenFromConfig((key) => values[key], "dynamic");
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

const BASE_URL = configKey("dynamic", "baseUrl");
const CLIENT_ID = configKey("dynamic", "clientId");
const CLIENT_SECRET = configKey("dynamic", "clientSecret");
const API_VERSION = configKey("dynamic", "apiVersion");
const SETTINGS = [
    { key: BASE_URL, env: "SAIL_BASE_URL", field: "baseUrl", secret: false },
    { key: CLIENT_ID, env: "SAIL_CLIENT_ID", field: "clientId", secret: false },
    { key: CLIENT_SECRET, env: "SAIL_CLIENT_SECRET", field: "clientSecret", secret: true },
] as const;

const FROM_CONFIG: Record<string, string> = {
    [BASE_URL]: "https://config.api.identitynow.com",
    [CLIENT_ID]: "config-client-id",
    [CLIENT_SECRET]: "config-client-secret-9f8e7d6c5b4a39281706",
};
const FROM_ENV = {
    SAIL_BASE_URL: "https://env.api.identitynow.com",
    SAIL_CLIENT_ID: "env-client-id",
    SAIL_CLIENT_SECRET: "env-client-secret-0a1b2c3d4e5f60718293",
};
hygiene.secret(FROM_CONFIG[CLIENT_SECRET]);
hygiene.secret(FROM_ENV.SAIL_CLIENT_SECRET);

describe("config", () => {
    describe("resolveConnection", () => {
        it("takes every setting from the stack config when both are set", () => {
            assert.deepEqual(withoutSource(resolveConnection(config(FROM_CONFIG), DYNAMIC, FROM_ENV)), {
                baseUrl: "https://config.api.identitynow.com",
                clientId: "config-client-id",
                clientSecret: FROM_CONFIG[CLIENT_SECRET],
            });
        });

        it("takes every setting from the environment when the config has none", () => {
            const expected = {
                baseUrl: "https://env.api.identitynow.com",
                clientId: "env-client-id",
                clientSecret: FROM_ENV.SAIL_CLIENT_SECRET,
            };
            assert.deepEqual(withoutSource(resolveConnection(config({}), DYNAMIC, FROM_ENV)), expected);
            assert.deepEqual(withoutSource(resolveConnection({}, DYNAMIC, FROM_ENV)), expected);
        });

        for (const s of SETTINGS) {
            it(`takes the connection from one source: ${s.key} alone in the config does not borrow from the environment`, () => {
                // Only this key in the config: the config is the source, and it lacks the others.
                const only = configError(() =>
                    resolveConnection(config({ [s.key]: FROM_CONFIG[s.key] }), DYNAMIC, FROM_ENV),
                );
                for (const other of SETTINGS.filter((o) => o !== s)) {
                    assert.ok(only.message.includes(other.key), `${other.key} named in: ${only.message}`);
                }
                assert.doesNotMatch(only.message, /export SAIL_/);
                // Every key but this one in the config: this one is missing, not taken from the environment.
                const allBut = Object.fromEntries(Object.entries(FROM_CONFIG).filter(([k]) => k !== s.key));
                const error = configError(() => resolveConnection(config(allBut), DYNAMIC, FROM_ENV));
                assert.match(error.message, new RegExp(`missing: ${s.key}\\.`));
                assert.match(error.message, /one place/);
            });

            it(`an unknown ${s.field} (preview) is given: never replaced by ${s.env}`, () => {
                const values = { ...FROM_CONFIG, [s.key]: UNKNOWN };
                const error = configError(() => resolveConnection(config(values), DYNAMIC, FROM_ENV));
                assert.match(error.message, /not known yet/);
                assert.ok(!error.message.includes(FROM_ENV.SAIL_CLIENT_SECRET));
            });

            it(`treats an empty or blank ${s.key} as unset and trims values`, () => {
                for (const blank of ["", "   "]) {
                    const values = { [s.key]: blank };
                    assert.equal(
                        resolveConnection(config(values), DYNAMIC, FROM_ENV)[s.field],
                        FROM_ENV[s.env],
                    );
                }
                const padded = { ...FROM_ENV, [s.env]: `  ${FROM_ENV[s.env]}  ` };
                assert.equal(resolveConnection(config({}), DYNAMIC, padded)[s.field], FROM_ENV[s.env]);
            });
        }

        it("a partial explicit provider names its missing properties, not the stack config", () => {
            const given = { baseUrl: "https://b.api.identitynow.com", clientId: "b-client" };
            const error = configError(() =>
                resolveConnection(given, { door: "native", explicit: true }, FROM_ENV),
            );
            assert.match(error.message, /missing: the provider's clientSecret/);
            assert.doesNotMatch(error.message, /pulumi config set|export SAIL_/);
        });

        it("refuses an environment that no longer names the tenant recorded for it", () => {
            const recorded = { baseUrl: "https://env.api.identitynow.com", clientId: "env-client-id" };
            assert.equal(resolveConnection({}, DYNAMIC, FROM_ENV, recorded).baseUrl, recorded.baseUrl);
            const moved = { ...FROM_ENV, SAIL_BASE_URL: "https://other.api.identitynow.com" };
            const error = configError(() => resolveConnection({}, DYNAMIC, moved, recorded));
            assert.match(error.message, /https:\/\/env\.api\.identitynow\.com/);
            assert.match(error.message, /https:\/\/other\.api\.identitynow\.com/);
            const otherClient = { ...FROM_ENV, SAIL_CLIENT_ID: "another-client" };
            configError(() => resolveConnection({}, DYNAMIC, otherClient, recorded));
        });

        it("normalizes the base URL it resolves", () => {
            const env = { ...FROM_ENV, SAIL_BASE_URL: "https://acme.api.identitynow.com/" };
            assert.equal(resolveConnection({}, DYNAMIC, env).baseUrl, "https://acme.api.identitynow.com");
        });

        const subsets: string[][] = [
            [BASE_URL],
            [CLIENT_ID],
            [CLIENT_SECRET],
            [BASE_URL, CLIENT_SECRET],
            [BASE_URL, CLIENT_ID, CLIENT_SECRET],
        ];
        for (const missing of subsets) {
            it(`one ConfigurationError naming both ways for exactly: ${missing.join(", ")} (from the environment)`, () => {
                for (const [cfg, env] of [
                    [
                        config({}),
                        Object.fromEntries(
                            SETTINGS.filter((s) => !missing.includes(s.key)).map((s) => [
                                s.env,
                                FROM_ENV[s.env],
                            ]),
                        ),
                    ],
                ] as [GivenSettings, Environment][]) {
                    const error = configError(() => resolveConnection(cfg, DYNAMIC, env));
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
                    assert.ok(!message.includes(FROM_CONFIG[CLIENT_SECRET]));
                    assert.ok(!message.includes(FROM_ENV.SAIL_CLIENT_SECRET));
                }
            });
        }

        it("refuses a client secret longer than any secret (the scrubber could not mask it), without showing it", () => {
            const secret = "e".repeat(MAX_SECRET_CHARS + 1);
            const error = configError(() =>
                resolveConnection(config({}), DYNAMIC, { ...FROM_ENV, SAIL_CLIENT_SECRET: secret }),
            );
            assert.match(
                error.message,
                new RegExp(
                    `SAIL_CLIENT_SECRET is ${MAX_SECRET_CHARS + 1} characters long, more than the ${MAX_SECRET_CHARS}`,
                ),
            );
            assert.ok(!error.message.includes("eeeeeeee"), error.message);
            const longest = "e".repeat(MAX_SECRET_CHARS);
            hygiene.secret(longest);
            assert.equal(
                resolveConnection(config({}), DYNAMIC, { ...FROM_ENV, SAIL_CLIENT_SECRET: longest })
                    .clientSecret,
                longest,
            );
        });

        it("never shows the client secret, even when it ends up in the base URL", () => {
            const secret = "swapped-secret-7e6d5c4b3a291807f6e5d4c3";
            hygiene.secret(secret);
            // The user swapped the two variables: the secret is in SAIL_BASE_URL and is echoed as "not a URL".
            const error = configError(() =>
                resolveConnection(config({}), DYNAMIC, {
                    SAIL_BASE_URL: secret,
                    SAIL_CLIENT_ID: "id",
                    SAIL_CLIENT_SECRET: secret,
                }),
            );
            assert.match(error.message, /not a URL/);
            assert.ok(!error.message.includes(secret), error.message);
            assert.ok(!String(error.stack).includes(secret));
            // In the URL's credentials.
            const inUrl = configError(() =>
                resolveConnection(
                    config({
                        [CLIENT_SECRET]: secret,
                        [CLIENT_ID]: "id",
                        [BASE_URL]: `https://id:${secret}@acme.api.identitynow.com`,
                    }),
                    DYNAMIC,
                    {},
                ),
            );
            assert.ok(!inUrl.message.includes(secret), inUrl.message);
        });

        it("never echoes a base URL's credentials or query, even when they are no registered secret", () => {
            // A proxy's password, a token in a query: this process never registered them.
            const password = "proxy-pass-5a4b3c2d1e0f";
            const token = "query-token-0f1e2d3c4b5a";
            hygiene.secret(password);
            hygiene.secret(token);
            for (const url of [
                `https://gateway:${password}@acme.api.identitynow.com`,
                `https://acme.api.identitynow.com/?access=${token}`,
                `https://acme.api.identitynow.com/#${token}`,
                `gateway:${password}@ acme`,
            ]) {
                for (const refuse of [
                    () =>
                        resolveConnection(
                            config({ [BASE_URL]: url, [CLIENT_ID]: "id", [CLIENT_SECRET]: "s".repeat(16) }),
                            DYNAMIC,
                            {},
                        ),
                    () => normalizeBaseUrl(url),
                ]) {
                    const error = configError(refuse);
                    assert.ok(!error.message.includes(password), error.message);
                    assert.ok(!error.message.includes(token), error.message);
                    assert.match(error.message, /credentials|not a URL|must use https/);
                }
            }
            // What it does say: the setting, the host and what the URL carries.
            const error = configError(() => normalizeBaseUrl(`https://gateway:${password}@acme.example.com`));
            assert.match(error.message, /https:\/\/acme\.example\.com carries credentials/);
        });

        it("never quotes a base URL that looks like a secret: the two variables swapped", () => {
            const secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
            hygiene.secret(secret);
            const error = configError(() =>
                resolveConnection(config({}), DYNAMIC, {
                    SAIL_BASE_URL: secret,
                    SAIL_CLIENT_ID: "id",
                    SAIL_CLIENT_SECRET: "https://acme.api.identitynow.com",
                }),
            );
            assert.match(error.message, /SAIL_BASE_URL \(\d+ characters, not shown\) is not a URL/);
            assert.ok(!error.message.includes(secret), error.message);
        });

        it("quotes a base URL that is not one once", () => {
            const error = configError(() =>
                resolveConnection(
                    config({ [BASE_URL]: "acme.example", [CLIENT_ID]: "id", [CLIENT_SECRET]: "s" }),
                    DYNAMIC,
                    {},
                ),
            );
            assert.equal(error.message.split('"acme.example"').length, 2, error.message);
        });
    });

    describe("resolveFromEnvironment (the audit without --stack, the rotator)", () => {
        it("names the missing variables alone: no stack config is read, so none is advised", () => {
            const error = configError(() =>
                resolveFromEnvironment(
                    { SAIL_BASE_URL: "https://acme.api.identitynow.com" },
                    " (or give --stack NAME)",
                ),
            );
            assert.match(error.message, /missing: SAIL_CLIENT_ID, SAIL_CLIENT_SECRET\./);
            assert.match(error.message, /from the environment only \(or give --stack NAME\)/);
            assert.match(error.message, /export SAIL_CLIENT_SECRET=<value>/);
            assert.doesNotMatch(error.message, /pulumi config|sailpoint:/);
        });

        it("takes the three variables as resolveConnection does", () => {
            const env = {
                SAIL_BASE_URL: "https://acme.api.identitynow.com/",
                SAIL_CLIENT_ID: "id",
                SAIL_CLIENT_SECRET: "env-only-secret-0a9b8c7d",
            };
            assert.deepEqual(resolveFromEnvironment(env), resolveConnection({}, DYNAMIC, env));
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
        it("returns a valid apiVersion setting", () => {
            for (const version of API_VERSIONS) {
                assert.equal(resolveDefaultApiVersion(config({ [API_VERSION]: version }), DYNAMIC), version);
            }
            assert.equal(resolveDefaultApiVersion(config({ [API_VERSION]: " v3 " }), DYNAMIC), "v3");
        });

        it("defaults to v1 when empty or unset", () => {
            assert.equal(resolveDefaultApiVersion({}, DYNAMIC), "v1");
            assert.equal(resolveDefaultApiVersion(config({}), DYNAMIC), "v1");
            assert.equal(resolveDefaultApiVersion(config({ [API_VERSION]: "" }), DYNAMIC), "v1");
            assert.equal(resolveDefaultApiVersion(config({ [API_VERSION]: "  " }), DYNAMIC), "v1");
        });

        for (const bad of ["v4", "V3", "2025", "latest"]) {
            it(`refuses ${bad} and lists the valid versions`, () => {
                const error = configError(() =>
                    resolveDefaultApiVersion(config({ [API_VERSION]: bad }), DYNAMIC),
                );
                assert.match(error.message, new RegExp(`${API_VERSION} must be one of .*, got "${bad}"`));
                assert.ok(error.message.includes(API_VERSIONS_TEXT), error.message);
            });
        }
    });

    // isc-pat audit --stack: a stack's keys of one door, chosen as each provider chooses its source.
    describe("stackSettings (the audit's one stack config)", () => {
        const key = (
            door: "dynamic" | "native",
            name: "baseUrl" | "clientId" | "clientSecret" | "apiVersion",
        ) => configKey(door, name);
        const connection = (door: "dynamic" | "native", at: string) => ({
            [key(door, "baseUrl")]: `https://${at}.api.identitynow.com`,
            [key(door, "clientId")]: `${at}-client`,
            [key(door, "clientSecret")]: `${at}-secret`,
        });
        const pick = (values: Record<string, string>) => {
            const { given, place } = stackSettings((k) => values[k]);
            return { door: place.door, baseUrl: given.baseUrl, apiVersion: given.apiVersion };
        };
        const table: [string, Record<string, string>, ReturnType<typeof pick>][] = [
            [
                "the plugin's connection beside the dynamic door's apiVersion alone: the plugin's keys, its own apiVersion",
                { ...connection("native", "yaml"), [key("dynamic", "apiVersion")]: "v2025" },
                { door: "native", baseUrl: "https://yaml.api.identitynow.com", apiVersion: undefined },
            ],
            [
                "both doors' connections: the dynamic resource's first",
                { ...connection("native", "yaml"), ...connection("dynamic", "dyn") },
                { door: "dynamic", baseUrl: "https://dyn.api.identitynow.com", apiVersion: undefined },
            ],
            [
                "a partial connection of the dynamic door is its own (it fails naming what is missing), never the plugin's",
                { ...connection("native", "yaml"), [key("dynamic", "clientId")]: "dyn-client" },
                { door: "dynamic", baseUrl: undefined, apiVersion: undefined },
            ],
            [
                "no connection in either: the environment's, with the dynamic door's apiVersion",
                { [key("dynamic", "apiVersion")]: "v3", [key("native", "apiVersion")]: "beta" },
                { door: "dynamic", baseUrl: undefined, apiVersion: "v3" },
            ],
            [
                "no connection, the plugin's apiVersion alone: the environment's, with it",
                { [key("native", "apiVersion")]: "beta" },
                { door: "native", baseUrl: undefined, apiVersion: "beta" },
            ],
            [
                "nothing: the environment (named in the plugin's words, as before)",
                {},
                { door: "native", baseUrl: undefined, apiVersion: undefined },
            ],
        ];
        for (const [title, values, expected] of table)
            it(title, () => assert.deepEqual(pick(values), expected));
    });
});

// Pulumi ESC's part, played on loopback: a JWKS server with a generated RSA key, JWTs signed with the
// claims ESC's external rotator sends, and rotations posted as ESC posts them (POST, JSON, bearer).
// Every JWT and every answer's secret is registered for the suite-wide secret check.
import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { once } from "node:events";
import { createServer, request as httpRequest, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import assert from "node:assert/strict";
import { hygiene } from "./hygiene";
import { blocks } from "./readme";

type Jose = typeof import("jose");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require("jose") as Jose;

/** The request object of the README's ESC environment (a JSON flow mapping, which YAML reads as is). */
export function readmeRequest(): Record<string, unknown> {
    const block = blocks("yaml").find((b) => b.includes("fn::rotate::external"));
    assert.ok(block, "the README shows an ESC environment with fn::rotate::external");
    const line = /^\s*request: (\{.*\})$/m.exec(block)?.[1];
    assert.ok(line, "its request is one line of JSON");
    return JSON.parse(line) as Record<string, unknown>;
}

export const ESC_ISSUER = "https://api.pulumi.com";
export const ESC_ENV = "acme/prod";

export interface SignOptions {
    /** Claims to add or override (undefined removes one). */
    claims?: Record<string, unknown>;
    alg?: "RS256" | "HS256" | "none";
    /** Sign with another key (a bad signature). */
    key?: KeyObject;
    kid?: string;
    /** The body the body_hash claim hashes (default: the body posted). */
    hashOf?: Buffer;
}

export interface EscAnswer {
    status: number;
    body: Record<string, unknown>;
    text: string;
}

/**
 * RSA key pairs, made when first needed and reused by every FakeEsc of the process: the n-th key of
 * each issuer is the n-th of this list, under a kid of its own. A 2048-bit pair costs about 0.2 s of
 * CPU, and a test file starts an issuer per test; what each test checks is which keys its own issuer
 * publishes (each its own JWKS URL), not that they differ from another test's.
 */
const keyPairs: { privateKey: KeyObject; publicKey: KeyObject }[] = [];

export class FakeEsc {
    private keys: { kid: string; privateKey: KeyObject; publicKey: KeyObject }[] = [];
    /** How many times the JWKS was fetched. */
    jwksFetches = 0;

    private readonly server: Server;

    private constructor(
        /** The clock the JWTs are issued on (the emulator's, in shared-clock tests). */
        private readonly now: () => number,
    ) {
        this.server = createServer((_req, res) => {
            this.jwksFetches++;
            const keys = this.keys.map((k) => ({
                ...k.publicKey.export({ format: "jwk" }),
                kid: k.kid,
                alg: "RS256",
                use: "sig",
            }));
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ keys }));
        });
    }

    static async start(now: () => number = Date.now): Promise<FakeEsc> {
        const esc = new FakeEsc(now);
        esc.server.listen(0, "127.0.0.1");
        await once(esc.server, "listening");
        esc.rotateKey();
        return esc;
    }

    get jwksUrl(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oidc/.well-known/jwks`;
    }

    /** A new signing key, published beside the old ones (the issuer rolls its keys). */
    rotateKey(): string {
        const n = this.keys.length;
        keyPairs[n] ??= generateKeyPairSync("rsa", { modulusLength: 2048 });
        const { privateKey, publicKey } = keyPairs[n];
        const kid = randomUUID();
        this.keys.push({ kid, privateKey, publicKey });
        return kid;
    }

    get publicKey(): KeyObject {
        return this.keys[this.keys.length - 1].publicKey;
    }

    async stop(): Promise<void> {
        this.server.close();
        this.server.closeAllConnections();
        await once(this.server, "close");
    }

    /** A JWT for `body` as Pulumi Cloud signs it for `aud`, with ESC's claims. */
    async sign(aud: string, body: Buffer, options: SignOptions = {}): Promise<string> {
        const key = this.keys[this.keys.length - 1];
        const iat = Math.floor(this.now() / 1000);
        const claims: Record<string, unknown> = {
            iss: ESC_ISSUER,
            sub: `pulumi:environments:org:acme:env:prod`,
            aud,
            iat,
            exp: iat + 300,
            jti: randomUUID(),
            org: "acme",
            current_env: ESC_ENV,
            root_env: ESC_ENV,
            trigger_user: "alice",
            body_hash: `sha256-${createHash("sha256")
                .update(options.hashOf ?? body)
                .digest("base64")}`,
            ...options.claims,
        };
        for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
        const alg = options.alg ?? "RS256";
        let token: string;
        if (alg === "none") {
            const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
            token = `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
        } else if (alg === "HS256") {
            // The classic confusion: the public key's PEM as an HMAC secret.
            const secret = Buffer.from(key.publicKey.export({ format: "pem", type: "spki" }) as string);
            token = await new jose.SignJWT(claims)
                .setProtectedHeader({ alg: "HS256", kid: key.kid })
                .sign(secret);
        } else {
            token = await new jose.SignJWT(claims)
                .setProtectedHeader({ alg: "RS256", kid: options.kid ?? key.kid, typ: "JWT" })
                .sign(options.key ?? key.privateKey);
        }
        hygiene.secret(token);
        return token;
    }

    /** `{request, state}` posted as ESC posts it, with a fresh JWT (each retry gets a new one). */
    async rotate(
        url: string,
        request: unknown,
        state: unknown,
        options: PostOptions & { token?: string | null } = {},
    ): Promise<EscAnswer> {
        const body = Buffer.from(JSON.stringify({ request, state }));
        return this.post(url, body, {
            ...options,
            token: options.token === undefined ? await this.sign(url, body, options.sign) : options.token,
        });
    }

    /** Posts raw bytes with a JWT over them (or the one given, or none). */
    async post(
        url: string,
        body: Buffer,
        options: PostOptions & { token?: string | null } = {},
    ): Promise<EscAnswer> {
        const token = options.token === undefined ? await this.sign(url, body, options.sign) : options.token;
        return post(
            options.target ?? url,
            body,
            {
                "content-type": "application/json",
                ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
            },
            options,
        );
    }
}

export interface PostOptions {
    sign?: SignOptions;
    /** Where the request goes when the rotator listens elsewhere than its public URL says. */
    target?: string;
    /** The CA that signed an HTTPS rotator's certificate. */
    ca?: string;
    /** Drop the connection once this resolves (after the body is sent): ESC never reads the answer. */
    lose?: () => Promise<void>;
}

function post(
    url: string,
    body: Buffer,
    headers: Record<string, string>,
    options: PostOptions,
): Promise<EscAnswer> {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
        const req = send(
            target,
            {
                method: "POST",
                headers: { ...headers, "content-length": String(body.length) },
                ca: options.ca,
            },
            (res) => {
                if (options.lose) {
                    // The answer was sent, and ESC never read it.
                    res.destroy();
                    return resolve({ status: 0, body: {}, text: "" });
                }
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (text += d));
                res.on("end", () => {
                    let parsed: Record<string, unknown> = {};
                    try {
                        parsed = JSON.parse(text) as Record<string, unknown>;
                    } catch {
                        // Not JSON: the text says it.
                    }
                    if (typeof parsed.clientSecret === "string") hygiene.secret(parsed.clientSecret);
                    else hygiene.record(`rotator ${res.statusCode}`, text);
                    resolve({ status: res.statusCode ?? 0, body: parsed, text });
                });
            },
        );
        req.on("error", (error) =>
            options.lose ? resolve({ status: 0, body: {}, text: "" }) : reject(error),
        );
        req.end(body, () => {
            const lose = options.lose;
            if (lose)
                void lose().then(() => {
                    req.destroy();
                    resolve({ status: 0, body: {}, text: "" });
                }, reject);
        });
    });
}

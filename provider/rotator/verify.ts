// Who may rotate: the bearer JWT Pulumi Cloud signs for every ESC request, checked with `jose` (no
// hand-written crypto) against the issuer's JWKS, then bound to the exact body (body_hash), used once
// (jti), and allowed by environment (current_env). A refusal is a status and a short reason; nothing
// in it quotes the token.
import { createHash } from "node:crypto";

/** Pulumi Cloud's issuer and keys, as ESC's external adapter documentation names them. */
export const PULUMI_CLOUD_ISSUER = "https://api.pulumi.com";
export const PULUMI_CLOUD_JWKS_URL = "https://api.pulumi.com/oidc/.well-known/jwks";
/** The clock skew allowed on exp and iat, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

export interface VerifierOptions {
    /** The URL ESC calls: `aud` must equal it. */
    publicUrl: string;
    issuer: string;
    jwksUrl: string;
    /** current_env values (`<org>/<env>`) allowed to rotate; none by default. */
    allowEnvs: readonly string[];
    /** How long after a JWKS fetch an unknown kid may fetch it again (ms); jose's default 30 s. */
    jwksCooldownMs?: number;
}

/** The claims the rotator relies on, after verification. */
export interface EscClaims {
    currentEnv: string;
    jti: string;
    exp: number;
}

export class Refusal extends Error {
    constructor(
        /** 502: the rotator could not fetch the issuer's keys, which is no fault of the request. */
        readonly status: 400 | 401 | 403 | 502,
        reason: string,
    ) {
        super(reason);
    }
}

type Jose = typeof import("jose");
let jose: Jose | undefined;
/** jose is loaded on the first request only: the provider's processes never load it. */
function joseLib(): Jose {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jose ??= require("jose") as Jose;
    return jose;
}

/** `sha256-` and the base64 SHA-256 of the bytes: the SRI form of body_hash. */
export function bodyHash(body: Buffer): string {
    return `sha256-${createHash("sha256").update(body).digest("base64")}`;
}

export class EscVerifier {
    private keys?: ReturnType<Jose["createRemoteJWKSet"]>;
    /** jti → its exp (seconds): a token is accepted once while it is valid. */
    private readonly seen = new Map<string, number>();

    constructor(private readonly options: VerifierOptions) {}

    /** The claims of a request allowed to rotate, or a Refusal. `now` is the rotator's clock. */
    async verify(authorization: string | undefined, body: Buffer, now: Date): Promise<EscClaims> {
        const match = /^Bearer ([A-Za-z0-9_.-]{1,8192})$/.exec(authorization ?? "");
        if (!match) throw new Refusal(401, "missing bearer token (Authorization: Bearer <JWT>)");
        const lib = joseLib();
        this.keys ??= lib.createRemoteJWKSet(new URL(this.options.jwksUrl), {
            cooldownDuration: this.options.jwksCooldownMs ?? 30_000,
            timeoutDuration: 10_000,
        });
        let payload: Record<string, unknown>;
        try {
            ({ payload } = await lib.jwtVerify(match[1], this.keys, {
                algorithms: ["RS256"],
                issuer: this.options.issuer,
                audience: this.options.publicUrl,
                clockTolerance: CLOCK_SKEW_SECONDS,
                currentDate: now,
                requiredClaims: ["exp", "iat", "jti", "body_hash", "current_env"],
            }));
        } catch (error) {
            const unavailable = keysUnavailable(error);
            if (unavailable !== undefined) {
                const url = new URL(this.options.jwksUrl);
                throw new Refusal(
                    502,
                    `the rotator could not fetch the issuer's keys from ${url.origin}${url.pathname} (${unavailable}), so it could not verify the request: check --jwks-url and that the rotator reaches it; ESC's retry will be verified once it does`,
                );
            }
            throw new Refusal(401, `invalid token: ${reason(error)}`);
        }
        const nowSeconds = Math.floor(now.getTime() / 1000);
        const { iat, exp, jti, body_hash: hash, current_env: env } = payload;
        if (typeof iat !== "number" || iat > nowSeconds + CLOCK_SKEW_SECONDS)
            throw new Refusal(401, "invalid token: issued in the future (iat)");
        if (typeof exp !== "number" || typeof jti !== "string" || typeof env !== "string")
            throw new Refusal(401, "invalid token: exp, jti or current_env is not of its type");
        if (hash !== bodyHash(body))
            throw new Refusal(401, "invalid token: body_hash does not match the body");
        this.forgetExpired(nowSeconds);
        if (this.seen.has(jti)) throw new Refusal(401, "invalid token: already used (jti)");
        this.seen.set(jti, exp + CLOCK_SKEW_SECONDS);
        if (!this.options.allowEnvs.includes(env))
            throw new Refusal(403, `environment not allowed: start the rotator with --allow-env for it`);
        return { currentEnv: env, jti, exp };
    }

    private forgetExpired(nowSeconds: number): void {
        for (const [jti, until] of this.seen) if (until < nowSeconds) this.seen.delete(jti);
    }
}

/**
 * Why the JWKS could not be had, or undefined when the token itself was refused: a network error (not
 * a JOSEError), a timeout, an answer that is not 200 or not a key set.
 */
function keysUnavailable(error: unknown): string | undefined {
    const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
    if (e.code === "ERR_JWKS_TIMEOUT") return "it did not answer in time";
    if (e.code === "ERR_JWKS_INVALID") return "its answer is not a JSON Web Key Set";
    if (e.code === "ERR_JOSE_GENERIC") return typeof e.message === "string" ? e.message : "a bad answer";
    if (typeof e.code === "string" && e.code.startsWith("ERR_J")) return undefined;
    const cause = typeof e.cause?.code === "string" ? `: ${e.cause.code}` : "";
    return `${typeof e.message === "string" ? e.message : "the request failed"}${cause}`;
}

/** jose's error code and its claim, never the token. */
function reason(error: unknown): string {
    const e = error as { code?: string; claim?: string; message?: string };
    const known: Record<string, string> = {
        ERR_JWT_EXPIRED: "expired (exp)",
        ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "bad signature",
        ERR_JOSE_ALG_NOT_ALLOWED: "algorithm not allowed (RS256 only)",
        ERR_JWKS_NO_MATCHING_KEY: "no key of the issuer's JWKS matches",
        ERR_JWS_INVALID: "not a signed JWT",
        ERR_JWT_INVALID: "not a JWT",
        ERR_JOSE_NOT_SUPPORTED: "algorithm not supported",
        ERR_JWKS_TIMEOUT: "the JWKS did not answer",
        ERR_JWKS_INVALID: "the JWKS is not a key set",
    };
    if (e.code === "ERR_JWT_CLAIM_VALIDATION_FAILED") return `claim ${e.claim ?? "?"} is not valid`;
    return known[e.code ?? ""] ?? (e.code ? e.code.toLowerCase() : "unverifiable");
}

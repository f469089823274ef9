// Compact JWS (HS256) for the emulator's bearer tokens. The key is random per emulator, so tokens
// from one run (or another emulator) are invalid in the next.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type JwtPayload = Record<string, unknown>;

function b64url(data: string | Buffer): string {
    return Buffer.from(data).toString("base64url");
}

export class JwtSigner {
    private readonly key = randomBytes(32);

    sign(payload: JwtPayload): string {
        const head = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
        return `${head}.${this.mac(head)}`;
    }

    /** The payload if the signature is ours, else null. Expiry is the caller's business. */
    verify(token: string): JwtPayload | null {
        const parts = token.split(".");
        if (parts.length !== 3) return null;
        const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
        const given = Buffer.from(parts[2]);
        if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
        try {
            const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
            return typeof payload === "object" && payload !== null ? (payload as JwtPayload) : null;
        } catch {
            return null;
        }
    }

    private mac(input: string): string {
        return createHmac("sha256", this.key).update(input).digest("base64url");
    }
}

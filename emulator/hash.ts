import { createHash, timingSafeEqual } from "node:crypto";

export function sha256(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Constant-time comparison of two equal-length hex digests. */
export function safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a, "utf8");
    const y = Buffer.from(b, "utf8");
    return x.length === y.length && timingSafeEqual(x, y);
}

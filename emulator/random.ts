// Randomness. Ids and secrets come from the CSPRNG; fault decisions come from a seeded PRNG so a
// run with the same seed and the same request sequence injects the same faults.
import { randomBytes, randomInt } from "node:crypto";

export function hex(bytes: number): string {
    return randomBytes(bytes).toString("hex");
}

export function randomSeed(): number {
    return randomInt(2 ** 31);
}

/** mulberry32: tiny, fast, good enough for test decisions (not for anything secret). */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

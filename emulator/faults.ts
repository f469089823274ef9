// Fault injection, set from tests or CLI flags. Rules are tried in the order added; the first that
// matches and fires decides the request's fault. Probabilities draw from a seeded PRNG.
import type { ApiVersion } from "../wire/api-types";
import {
    ANSWER_FAULT_KINDS,
    DEFAULT_HUGE_BODY_BYTES,
    DEFAULT_HUGE_SECRET_CHARS,
    type AnswerFaultKind,
} from "./hostile";
import { seededRandom } from "./random";

/**
 * Status faults replace the answer; answer faults (hostile.ts) break a successful one; create answer
 * faults answer a processed create with a body that is not its record.
 */
export type FaultKind =
    | "429"
    | "500"
    | "502"
    | "503"
    | "reset-before"
    | "reset-after"
    | "delay"
    | AnswerFaultKind
    | CreateAnswerFault;

/**
 * Hostile answers to a create that was processed (the token exists): a 200 whose body is not JSON,
 * is `null`, or is `{}`. They match POST requests to the PAT API only.
 */
export type CreateAnswerFault = "create-200-nonjson" | "create-200-null" | "create-200-empty-object";

export const CREATE_ANSWER_FAULTS: readonly CreateAnswerFault[] = [
    "create-200-nonjson",
    "create-200-null",
    "create-200-empty-object",
];

export const FAULT_KINDS: readonly FaultKind[] = [
    "429",
    "500",
    "502",
    "503",
    "reset-before",
    "reset-after",
    "delay",
    ...ANSWER_FAULT_KINDS,
    ...CREATE_ANSWER_FAULTS,
];

export interface FaultRule {
    /** The fault, or several: when the rule fires, one is picked at random (seeded). */
    kind: FaultKind | readonly FaultKind[];
    /** HTTP method to match (case-insensitive); any when omitted. */
    method?: string;
    /** Path to match: a string matches that path and the paths below it; or a RegExp. */
    path?: string | RegExp;
    apiVersion?: ApiVersion;
    /** Which endpoints the rule applies to: the PAT API (default), /oauth/token, or both. */
    endpoint?: "api" | "token" | "any";
    /** Fire this many times, then the rule is removed. Unlimited when omitted. */
    times?: number;
    /** Let this many matching requests through first (e.g. the list a create makes before its POST). */
    skip?: number;
    /** Fire with this probability (0..1) per matching request. Always when omitted. */
    probability?: number;
    /** For `delay`: milliseconds before the request is processed; for `slow-body`: over which the body trickles. Default 1000. */
    delayMs?: number;
    /** For `huge-body`: the body's size in bytes (default 64 MiB); for `huge-secret`: the secret's length (default 16 MiB). */
    bytes?: number;
    /** For `429`: the Retry-After seconds. Default 1. */
    retryAfterSeconds?: number;
}

export interface FaultTarget {
    method: string;
    path: string;
    apiVersion: ApiVersion | null;
    endpoint: "api" | "token";
}

export interface Fault {
    kind: FaultKind;
    delayMs: number;
    bytes: number;
    retryAfterSeconds: number;
}

interface ActiveRule {
    id: string;
    rule: FaultRule;
    remaining: number;
    skip: number;
}

export class FaultInjector {
    private rules: ActiveRule[] = [];
    private random: () => number;
    private nextId = 1;

    constructor(seed: number) {
        this.random = seededRandom(seed);
    }

    /** Adds a rule; returns its id for remove(). */
    add(rule: FaultRule): string {
        const kinds = typeof rule.kind === "string" ? [rule.kind] : rule.kind;
        if (kinds.length === 0 || kinds.some((k) => !FAULT_KINDS.includes(k))) {
            throw new TypeError(`fault kind must be one of ${FAULT_KINDS.join(", ")}`);
        }
        if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
            throw new TypeError("fault probability must be between 0 and 1");
        }
        if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
            throw new TypeError("fault times must be a positive integer");
        }
        if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && rule.skip >= 0)) {
            throw new TypeError("fault skip must be a whole number");
        }
        const id = String(this.nextId++);
        this.rules.push({
            id,
            rule: { ...rule, kind: [...kinds] },
            remaining: rule.times ?? Infinity,
            skip: rule.skip ?? 0,
        });
        return id;
    }

    remove(id: string): boolean {
        const before = this.rules.length;
        this.rules = this.rules.filter((r) => r.id !== id);
        return this.rules.length < before;
    }

    clear(): void {
        this.rules = [];
    }

    /** The active rules with their ids and remaining counts. */
    list(): (FaultRule & { id: string; remaining: number })[] {
        return this.rules.map((r) => ({ ...r.rule, id: r.id, remaining: r.remaining }));
    }

    reseed(seed: number): void {
        this.random = seededRandom(seed);
    }

    /** The fault for this request, if any; consumes one of the rule's `times`. */
    pick(target: FaultTarget): Fault | null {
        for (const active of this.rules) {
            const { rule } = active;
            if (!matches(rule, target)) continue;
            if (active.skip > 0) {
                active.skip--;
                continue;
            }
            if (rule.probability !== undefined && this.random() >= rule.probability) continue;
            if (--active.remaining <= 0) this.remove(active.id);
            const kinds = rule.kind as readonly FaultKind[];
            const kind = kinds.length === 1 ? kinds[0] : kinds[Math.floor(this.random() * kinds.length)];
            return {
                kind,
                delayMs: rule.delayMs ?? 1000,
                bytes:
                    rule.bytes ??
                    (kind === "huge-secret" ? DEFAULT_HUGE_SECRET_CHARS : DEFAULT_HUGE_BODY_BYTES),
                retryAfterSeconds: rule.retryAfterSeconds ?? 1,
            };
        }
        return null;
    }
}

function matches(rule: FaultRule, t: FaultTarget): boolean {
    const endpoint = rule.endpoint ?? "api";
    if (endpoint !== "any" && endpoint !== t.endpoint) return false;
    // A rule of create answers only fires on a create (POST to the PAT API).
    const kinds = rule.kind as readonly FaultKind[];
    if (kinds.every(isCreateAnswerFault) && (t.endpoint !== "api" || t.method !== "POST")) return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== t.method) return false;
    if (rule.apiVersion !== undefined && rule.apiVersion !== t.apiVersion) return false;
    if (rule.path instanceof RegExp) return rule.path.test(t.path);
    if (rule.path !== undefined)
        return t.path === rule.path || t.path.startsWith(`${rule.path.replace(/\/+$/, "")}/`);
    return true;
}

export function isCreateAnswerFault(kind: FaultKind): kind is CreateAnswerFault {
    return (CREATE_ANSWER_FAULTS as readonly string[]).includes(kind);
}

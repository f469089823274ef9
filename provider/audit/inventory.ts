// The inventory's decisions: which stack manages each token, what is wrong with it, whether a
// pipeline's thresholds are exceeded, and how it is shown. Pure: `now` and every input are arguments.
import { expiresWithin, neverUsedSince, unusedSince } from "../../policy/thresholds";
import type { TokenRecord } from "../../wire/api-types";
import { kindOf } from "../isc-client/records";
import { neutralise, printable } from "../isc-client/redact";
import { addDays, hasPassed, instantOf, writtenDate, writtenInstant } from "../rules/dates";
import { isPersonalAccessTokenType } from "../rules/types";
import { DEFAULT_SCOPE } from "../rules/versions";
import { baseOf } from "../rotator/request";

export const FINDINGS = [
    "unmanaged",
    "expired",
    "expiring",
    "never-expires",
    "all-scopes",
    "never-used",
    "unused",
] as const;
export type Finding = (typeof FINDINGS)[number];

/** A token a stack's state holds. */
export interface StateRef {
    id: string;
    stack: string;
    urn: string;
    /** Adopted (adoptTokenId): its secret is not in the state. */
    adopted: boolean;
    /** The resource's previous generation, still in its overlap (output previousGeneration). */
    previousGeneration?: true;
}

/** The thresholds, in days; their defaults are the policy pack's (AUDIT_DEFAULTS, policy/thresholds.ts). */
export interface AuditOptions {
    /** "expiring" = expires within this many days. */
    expiringDays: number;
    /** "unused" = last used more than this many days ago. */
    unusedDays: number;
    /** "never-used" = created more than this many days ago and never used. */
    neverUsedDays: number;
}

export interface InventoryEntry {
    id: string;
    name: string;
    owner: { id: string; name: string };
    managed: boolean;
    stack?: string;
    urn?: string;
    adopted?: boolean;
    /** The previous generation of the resource `urn` names, in its overlap after a rotation. */
    previousGeneration?: true;
    /** Managed by `isc-pat rotator` (ESC): the base name of its generations. */
    rotator?: string;
    created: string;
    lastUsed: string | null;
    expirationDate: string | null;
    scope: string[] | null;
    /** Made by the platform itself (e.g. a Workflow), the API's `managed`. */
    platformManaged: boolean;
    findings: Finding[];
}

/** A state file is not a `pulumi stack export`: the audit cannot say which tokens it manages. */
export class StateFileError extends Error {}

/**
 * The tokens of a `pulumi stack export` (its JSON text parsed), with the stack named in each URN.
 * Anything else is refused: a state that reads as "no resources" would report every token unmanaged.
 */
export function stateRefs(exported: unknown): StateRef[] {
    const expected = 'expected the JSON of `pulumi stack export`: {"deployment": {"resources": [...]}}';
    if (!isObject(exported)) throw new StateFileError(`the file holds ${kindOf(exported)}; ${expected}`);
    const deployment = exported.deployment;
    if (!isObject(deployment)) throw new StateFileError(`"deployment" is ${kindOf(deployment)}; ${expected}`);
    const resources = deployment.resources ?? [];
    if (!Array.isArray(resources))
        throw new StateFileError(`"deployment.resources" is ${kindOf(resources)}, expected an array`);
    const refs: StateRef[] = [];
    for (const [i, r] of resources.entries()) {
        if (!isObject(r))
            throw new StateFileError(
                `"deployment.resources[${i}]" is ${kindOf(r)}, expected a resource object`,
            );
        const res = r as { type?: string; id?: string; urn?: string; outputs?: Record<string, unknown> };
        if (!isPersonalAccessTokenType(res.type) || typeof res.id !== "string" || typeof res.urn !== "string")
            continue;
        const stack = /^urn:pulumi:([^:]+)::/.exec(res.urn)?.[1] ?? "";
        refs.push({
            id: res.id,
            urn: res.urn,
            stack,
            adopted: typeof res.outputs?.adoptTokenId === "string",
        });
        // A rotation's outgoing token, kept working through its overlap: the resource's too.
        const previous = res.outputs?.previousGeneration;
        if (isObject(previous) && typeof previous.id === "string")
            refs.push({ id: previous.id, urn: res.urn, stack, adopted: false, previousGeneration: true });
    }
    return refs;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Classifies each token at `now`. */
export function classify(
    tokens: readonly TokenRecord[],
    refs: readonly StateRef[],
    now: Date,
    options: AuditOptions,
): InventoryEntry[] {
    const byId = new Map(refs.map((r) => [r.id, r]));
    const rotated = rotatorGenerations(tokens, byId);
    return tokens.map((t) => {
        const ref = byId.get(t.id);
        const rotator = rotated.get(t.id);
        const findings: Finding[] = [];
        if (!ref && rotator === undefined) findings.push("unmanaged");
        const expiry = t.expirationDate == null ? null : instantOf(t.expirationDate);
        if (expiry === null) findings.push("never-expires");
        else if (hasPassed(t.expirationDate as string, now)) findings.push("expired");
        else if (expiresWithin(expiry, now, options.expiringDays)) findings.push("expiring");
        const scope = t.scope ?? DEFAULT_SCOPE;
        if (scope.includes("sp:scopes:all")) findings.push("all-scopes");
        if (t.lastUsed == null) {
            if (neverUsedSince(instantOf(t.created), now, options.neverUsedDays)) findings.push("never-used");
        } else if (unusedSince(instantOf(t.lastUsed), now, options.unusedDays)) findings.push("unused");
        return {
            id: t.id,
            name: t.name,
            owner: { id: t.owner?.id ?? "", name: t.owner?.name ?? "" },
            managed: ref !== undefined || rotator !== undefined,
            ...(ref ? { stack: ref.stack, urn: ref.urn, adopted: ref.adopted } : {}),
            ...(ref?.previousGeneration ? { previousGeneration: true as const } : {}),
            ...(!ref && rotator !== undefined ? { rotator } : {}),
            created: writtenDate(t.created),
            lastUsed: writtenDate(t.lastUsed ?? null),
            expirationDate: writtenDate(t.expirationDate ?? null),
            scope: t.scope ?? null,
            platformManaged: t.managed === true,
            findings,
        };
    });
}

/**
 * The tokens `isc-pat rotator` keeps, by its naming (`<base>-esc-<UTC timestamp>`): per owner and base
 * name, the two newest (its current and previous generations), unless a stack's state holds them. An
 * older one is a leftover the rotator did not delete: it stays unmanaged, for someone to look at.
 */
function rotatorGenerations(
    tokens: readonly TokenRecord[],
    refs: ReadonlyMap<string, StateRef>,
): Map<string, string> {
    const groups = new Map<string, TokenRecord[]>();
    for (const t of tokens) {
        const base = refs.has(t.id) ? undefined : baseOf(t.name);
        if (base === undefined) continue;
        const key = JSON.stringify([t.owner?.id ?? "", base]);
        groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const kept = new Map<string, string>();
    for (const group of groups.values()) {
        const newest = [...group]
            .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
            .slice(0, 2);
        for (const t of newest) kept.set(t.id, baseOf(t.name) as string);
    }
    return kept;
}

/** The list filters that find only stale tokens: never used, or not used since `unusedDays` ago. */
export function staleFilters(now: Date, unusedDays: number): string[] {
    const before = writtenInstant(addDays(now, -unusedDays));
    return [`lastUsed le ${before}`, "lastUsed isnull"];
}

/** Thresholds: at most this many tokens with the finding (0: none allowed). */
export type Thresholds = Partial<Record<Finding, number>>;

/** The thresholds exceeded, as sentences; empty when the gate passes. */
export function gate(entries: readonly InventoryEntry[], thresholds: Thresholds): string[] {
    const breaches: string[] = [];
    for (const finding of FINDINGS) {
        const max = thresholds[finding];
        if (max === undefined) continue;
        const count = entries.filter((e) => e.findings.includes(finding)).length;
        if (count > max) breaches.push(`${count} token(s) ${finding} (at most ${max} allowed)`);
    }
    return breaches;
}

/**
 * Every field shown to a person comes from the API or a state file and may hold control characters
 * (ANSI escapes) or bidi overrides: each is escaped as the provider escapes names (redact.ts).
 */
function row(e: InventoryEntry): string[] {
    return [
        e.id,
        e.name,
        e.owner.name || e.owner.id,
        e.managed
            ? e.rotator !== undefined
                ? `esc rotator (${e.rotator})`
                : `${e.stack ?? ""}${e.adopted ? " (adopted)" : ""}${e.previousGeneration ? " (previous generation)" : ""}`
            : "-",
        e.expirationDate ?? "never",
        e.lastUsed ?? "never",
        e.findings.join(", "),
    ].map(printable);
}

/** --json: the entries as they are; characters a terminal would obey are written as JSON escapes. */
export function renderJson(entries: readonly InventoryEntry[]): string {
    // JSON.stringify escapes C0 controls itself; neutralise adds C1 and bidi, and keeps the layout's newlines.
    return `${neutralise(JSON.stringify(entries, null, 2))}\n`;
}

const HEADERS = ["id", "name", "owner", "managed by", "expires", "last used", "findings"];

export function renderTable(entries: readonly InventoryEntry[]): string {
    const rows = [HEADERS, ...entries.map(row)];
    const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return (
        rows
            .map((r) =>
                r
                    .map((c, i) => c.padEnd(widths[i]))
                    .join("  ")
                    .trimEnd(),
            )
            .join("\n") + "\n"
    );
}

export function renderMarkdown(entries: readonly InventoryEntry[]): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|");
    const lines = [
        `| ${HEADERS.join(" | ")} |`,
        `|${HEADERS.map(() => "---").join("|")}|`,
        ...entries.map((e) => `| ${row(e).map(cell).join(" | ")} |`),
    ];
    return lines.join("\n") + "\n";
}

/** The report's closing notes: what to do about expired tokens ("not emitted" only when emitting). */
export function notes(entries: readonly InventoryEntry[], emitting: boolean): string[] {
    const what = emitting ? "not emitted; delete it" : "delete it";
    return entries
        .filter((e) => e.findings.includes("expired") && !e.managed)
        .map(
            (e) =>
                `token ${printable(e.id)} (${JSON.stringify(printable(e.name))}) expired on ${printable(e.expirationDate ?? "")}: ${what}`,
        );
}

// The inventory's decisions: which stack manages each token, what is wrong with it, whether a
// pipeline's thresholds are exceeded, and how it is shown. Pure: `now` and every input are arguments.
import type { TokenRecord } from "../../wire/api-types";
import { DAY_MS, hasPassed } from "../rules/dates";
import { PERSONAL_ACCESS_TOKEN_TYPE } from "../rules/types";
import { DEFAULT_SCOPE } from "../rules/versions";

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
}

export interface AuditOptions {
    /** "expiring" = expires within this many days. */
    expiringDays: number;
    /** "unused" = last used more than this many days ago. */
    unusedDays: number;
}

export interface InventoryEntry {
    id: string;
    name: string;
    owner: { id: string; name: string };
    managed: boolean;
    stack?: string;
    urn?: string;
    adopted?: boolean;
    created: string;
    lastUsed: string | null;
    expirationDate: string | null;
    scope: string[] | null;
    /** Made by the platform itself (e.g. a Workflow), the API's `managed`. */
    platformManaged: boolean;
    findings: Finding[];
}

/** The tokens of a `pulumi stack export` (its JSON text parsed), with the stack named in each URN. */
export function stateRefs(exported: unknown): StateRef[] {
    const deployment = (exported as { deployment?: { resources?: unknown[] } } | null)?.deployment;
    const refs: StateRef[] = [];
    for (const r of deployment?.resources ?? []) {
        const res = r as { type?: string; id?: string; urn?: string; outputs?: Record<string, unknown> };
        if (
            res.type !== PERSONAL_ACCESS_TOKEN_TYPE ||
            typeof res.id !== "string" ||
            typeof res.urn !== "string"
        )
            continue;
        refs.push({
            id: res.id,
            urn: res.urn,
            stack: /^urn:pulumi:([^:]+)::/.exec(res.urn)?.[1] ?? "",
            adopted: typeof res.outputs?.adoptTokenId === "string",
        });
    }
    return refs;
}

/** Classifies each token at `now`. */
export function classify(
    tokens: readonly TokenRecord[],
    refs: readonly StateRef[],
    now: Date,
    options: AuditOptions,
): InventoryEntry[] {
    const byId = new Map(refs.map((r) => [r.id, r]));
    return tokens.map((t) => {
        const ref = byId.get(t.id);
        const findings: Finding[] = [];
        if (!ref) findings.push("unmanaged");
        const expiry = t.expirationDate == null ? null : Date.parse(t.expirationDate);
        if (expiry === null) findings.push("never-expires");
        else if (hasPassed(t.expirationDate as string, now)) findings.push("expired");
        else if (expiry - now.getTime() <= options.expiringDays * DAY_MS) findings.push("expiring");
        const scope = t.scope ?? DEFAULT_SCOPE;
        if (scope.includes("sp:scopes:all")) findings.push("all-scopes");
        if (t.lastUsed == null) findings.push("never-used");
        else if (now.getTime() - Date.parse(t.lastUsed) > options.unusedDays * DAY_MS)
            findings.push("unused");
        return {
            id: t.id,
            name: t.name,
            owner: { id: t.owner?.id ?? "", name: t.owner?.name ?? "" },
            managed: ref !== undefined,
            ...(ref ? { stack: ref.stack, urn: ref.urn, adopted: ref.adopted } : {}),
            created: t.created,
            lastUsed: t.lastUsed ?? null,
            expirationDate: t.expirationDate ?? null,
            scope: t.scope ?? null,
            platformManaged: t.managed === true,
            findings,
        };
    });
}

/** The list filters that find only stale tokens: never used, or not used since `unusedDays` ago. */
export function staleFilters(now: Date, unusedDays: number): string[] {
    const before = new Date(now.getTime() - unusedDays * DAY_MS).toISOString();
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

/** Names may hold control characters (ANSI escapes): never echo them raw. */
function printable(text: string): string {
    return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function row(e: InventoryEntry): string[] {
    return [
        e.id,
        printable(e.name),
        printable(e.owner.name || e.owner.id),
        e.managed ? `${printable(e.stack ?? "")}${e.adopted ? " (adopted)" : ""}` : "-",
        e.expirationDate ?? "never",
        e.lastUsed ?? "never",
        e.findings.join(", "),
    ];
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

/** The report's closing notes: what to do about expired tokens. */
export function notes(entries: readonly InventoryEntry[]): string[] {
    return entries
        .filter((e) => e.findings.includes("expired") && !e.managed)
        .map(
            (e) =>
                `token ${e.id} (${JSON.stringify(printable(e.name))}) expired on ${e.expirationDate}: not emitted; delete it`,
        );
}

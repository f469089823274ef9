// `isc-pat audit --emit-import`: the file `pulumi import --file` reads, for the caller's unmanaged
// tokens, so that the Pulumi CLI writes the adopting program in the user's own language (YAML,
// TypeScript, Python, Go, C#) and records each token in the state. An imported token is adopted:
// the next up keeps it, its secret stays unknown. Pure.
import type { TokenRecord } from "../../wire/api-types";
import { NATIVE_PERSONAL_ACCESS_TOKEN_TYPE } from "../rules/types";
import { canonicalBaseUrl } from "../isc-client/settings";

/** A provider instance of the audited stack: its URN and where it points (from the state). */
export interface StackProvider {
    urn: string;
    baseUrl?: string;
    clientId?: string;
}

export interface ImportFile {
    nameTable?: Record<string, string>;
    resources: { type: string; name: string; id: string; provider?: string }[];
}

/**
 * The iscpat providers in a `pulumi stack export`: the state's pulumi:providers:iscpat resources,
 * with the tenant and client id of their inputs (never a secret).
 */
export function stackProviders(exported: unknown): StackProvider[] {
    const resources = (exported as { deployment?: { resources?: unknown } })?.deployment?.resources;
    if (!Array.isArray(resources)) return [];
    return resources.flatMap((r: Record<string, unknown>) => {
        if (r?.type !== "pulumi:providers:iscpat" || typeof r.urn !== "string") return [];
        const inputs = (r.inputs ?? {}) as Record<string, unknown>;
        const text = (v: unknown) => (typeof v === "string" ? v : undefined);
        return [{ urn: r.urn, baseUrl: text(inputs.baseUrl), clientId: text(inputs.clientId) }];
    });
}

/**
 * The import file for `tokens` at the audit's tenant and client. With several providers in the
 * stack, each entry names the one at that tenant and client (none matches, or several: none is
 * named and the CLI uses the default provider; the caller says so).
 */
export function importFile(
    tokens: readonly TokenRecord[],
    providers: readonly StackProvider[],
    at: { baseUrl: string; clientId: string },
): { file: ImportFile; provider?: string; unmatched: boolean } {
    const root = (url: string | undefined) => (url === undefined ? undefined : canonicalBaseUrl(url).root);
    const matching = providers.filter(
        (p) => root(p.baseUrl) === root(at.baseUrl) && p.clientId === at.clientId,
    );
    const chosen = providers.length > 1 && matching.length === 1 ? matching[0] : undefined;
    // The default provider needs no name: the CLI uses it unless told otherwise.
    const named = chosen && !isDefaultProvider(chosen.urn) ? providerName(chosen.urn) : undefined;
    const used = new Set<string>();
    const resources = tokens.map((t) => ({
        type: NATIVE_PERSONAL_ACCESS_TOKEN_TYPE,
        name: uniqueName(t.name, used),
        id: t.id,
        ...(named ? { provider: named } : {}),
    }));
    const file: ImportFile = { resources };
    if (named && chosen) file.nameTable = { [named]: chosen.urn };
    return { file, provider: named, unmatched: providers.length > 1 && matching.length !== 1 };
}

function isDefaultProvider(urn: string): boolean {
    return /::default(_[^:]*)?$/.test(urn);
}

function providerName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** A resource name from a token name: letters, digits, - and _ (the codegen's variable comes from it). */
function uniqueName(tokenName: string, used: Set<string>): string {
    const base = tokenName.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[^A-Za-z]+/, "") || "token";
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    return name;
}

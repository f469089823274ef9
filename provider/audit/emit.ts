// `isc-pat audit --emit-program`: a TypeScript module that declares unmanaged tokens in the
// adopting form (adoptTokenId plus their current properties), so that `import "./adopted";` adopts
// them with the next `pulumi up`, unchanged. Pure.
import type { ApiVersion, TokenRecord } from "../../wire/api-types";
import { hasPassed } from "../rules/dates";
import { DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS, hasModernExpiry } from "../rules/versions";

/** Which tokens can be adopted by the API client: its own, unexpired, not platform-made, unmanaged. */
export function adoptable(
    tokens: readonly TokenRecord[],
    managedIds: ReadonlySet<string>,
    ownerId: string,
    now: Date,
): TokenRecord[] {
    return tokens.filter(
        (t) =>
            !managedIds.has(t.id) &&
            t.owner?.id === ownerId &&
            t.managed !== true &&
            (t.expirationDate == null || !hasPassed(t.expirationDate, now)),
    );
}

/** The declaration that adopts `t` with no change on `version`. */
export function adoptingArgs(t: TokenRecord, version: ApiVersion): Record<string, unknown> {
    const args: Record<string, unknown> = { name: t.name, adoptTokenId: t.id, apiVersion: version };
    if (t.scope != null) args.scope = t.scope;
    if (hasModernExpiry(version)) {
        if (t.expirationDate == null) args.userAwareTokenNeverExpires = true;
        else {
            args.expirationDate = t.expirationDate;
            if (t.userAwareTokenNeverExpires === true) args.userAwareTokenNeverExpires = true;
        }
    }
    // On beta/v3/v2024 an omitted expiry means "the API's", which the token already has: no change.
    if (
        (t.accessTokenValiditySeconds ?? DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS) !==
        DEFAULT_ACCESS_TOKEN_VALIDITY_SECONDS
    )
        args.accessTokenValiditySeconds = t.accessTokenValiditySeconds;
    return args;
}

export function emitProgram(tokens: readonly TokenRecord[], version: ApiVersion, now: Date): string {
    const body = tokens.map((t) => {
        const args = JSON.stringify(adoptingArgs(t, version), null, 4).replace(/\n/g, "\n    ");
        return `    ${JSON.stringify(t.name)}: new PersonalAccessToken(${JSON.stringify(`adopted-${t.name}`)}, ${args}),`;
    });
    return [
        `// Written by \`isc-pat audit --emit-program\` at ${now.toISOString()}: ${tokens.length} token(s) that exist`,
        '// at the API and that no audited stack manages. `import "./adopted";` adopts them with the next',
        "// `pulumi up`, unchanged; their secrets stay unknown (secretKnown false). Review before committing.",
        'import { PersonalAccessToken } from "@isc-pat/pulumi-sailpoint-pat";',
        "",
        "export const adoptedTokens = {",
        ...body,
        "};",
        "",
    ].join("\n");
}

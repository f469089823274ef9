// The list's `filters` parameter: only `lastUsed le <date>` and `lastUsed isnull`, in the standard
// collection syntax (lowercase operators, unquoted RFC 3339 dates). Anything else is a 400.
// Choice: one expression only; combining with and/or/not is refused too (the spec lists no use for it).
import { parseRfc3339 } from "./dates";
import { badRequest } from "./errors";
import type { StoredToken } from "./store";

export type TokenFilter = (token: StoredToken) => boolean;

export function parseFilters(text: string | null): TokenFilter {
    if (text === null || text.trim() === "") return () => true;
    if (/^\s*lastUsed\s+isnull\s*$/.test(text)) return (t) => t.lastUsed === null;
    const le = /^\s*lastUsed\s+le\s+(\S+)\s*$/.exec(text);
    if (le) {
        const limit = parseRfc3339(le[1]);
        if (limit === null) throw badRequest(`Invalid date in filters: ${le[1]}`);
        return (t) => {
            const used = t.lastUsed === null ? null : parseRfc3339(t.lastUsed);
            return used !== null && used.getTime() <= limit.getTime();
        };
    }
    throw badRequest(`Unsupported filter: ${text}. Supported: lastUsed le <date-time>, lastUsed isnull`);
}

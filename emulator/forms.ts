// Parsing of the token endpoint's form bodies: application/x-www-form-urlencoded and
// multipart/form-data (RFC 7578), enough for text fields.

/** The media type of a Content-Type header, lowercased and without parameters. */
export function mediaType(contentType: string | undefined): string {
    return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** A parameter (e.g. boundary) of a Content-Type header. */
function mediaParameter(contentType: string, name: string): string | undefined {
    for (const part of contentType.split(";").slice(1)) {
        const eq = part.indexOf("=");
        if (eq < 0 || part.slice(0, eq).trim().toLowerCase() !== name) continue;
        const value = part.slice(eq + 1).trim();
        return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
    return undefined;
}

export function parseUrlEncoded(body: Buffer): Map<string, string> {
    return new Map(new URLSearchParams(body.toString("utf8")));
}

/** Text fields of a multipart/form-data body; null when the body is not well-formed. */
export function parseMultipart(body: Buffer, contentType: string): Map<string, string> | null {
    const boundary = mediaParameter(contentType, "boundary");
    if (!boundary) return null;
    const fields = new Map<string, string>();
    const text = body.toString("utf8");
    const delimiter = `--${boundary}`;
    const sections = text.split(delimiter);
    // sections[0] is the preamble; the last one starts with "--" (the close delimiter).
    if (sections.length < 2) return null;
    for (const section of sections.slice(1)) {
        if (section.startsWith("--")) break;
        const part = section.replace(/^\r?\n/, "");
        const split = part.search(/\r?\n\r?\n/);
        if (split < 0) return null;
        const headers = part.slice(0, split);
        const value = part
            .slice(split)
            .replace(/^\r?\n\r?\n/, "")
            .replace(/\r?\n$/, "");
        const disposition = headers.split(/\r?\n/).find((h) => /^content-disposition\s*:/i.test(h));
        const name = disposition && /\bname="([^"]*)"/i.exec(disposition)?.[1];
        if (name) fields.set(name, value);
    }
    return fields;
}

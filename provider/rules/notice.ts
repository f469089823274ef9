// The form of the provider's notices, shown by both doors: a warning starts with "warning: ". The
// dynamic door's stderr shows it as written; the native door sends it to the engine as a warning.
const WARNING = "warning: ";

/** A notice about the token `name`; a warning stays one, its "warning: " first. */
export function tokenNotice(name: string, notice: string): string {
    const { warning, text } = noticeSeverity(notice);
    return `${warning ? WARNING : ""}PersonalAccessToken "${name}": ${text}`;
}

/** Whether a notice is a warning, and its text without the "warning: " (the engine prints the word). */
export function noticeSeverity(notice: string): { warning: boolean; text: string } {
    const warning = notice.startsWith(WARNING);
    return { warning, text: warning ? notice.slice(WARNING.length) : notice };
}

// Text a terminal shows safely: control characters (ANSI escapes included) and bidi overrides
// escaped, so nothing an API answer or a program sends can drive the reader's terminal. In wire/,
// the lowest wing, because every wing shows such text (the client's errors, the policy's messages).

/** Escapes C0/C1 control characters (ANSI escapes included) and bidi overrides; keeps newlines. */
export function neutralise(text: string): string {
    return text.replace(CONTROL, (c) => (c === "\n" ? c : escape(c)));
}

/** Like neutralise(), for one-line notices: newlines are escaped too. */
export function printable(text: string): string {
    return text.replace(CONTROL, escape);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

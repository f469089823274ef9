// Small fetch helpers for the emulator tests. Loopback only.
import { IscEmulator, type EmulatorOptions } from "../../emulator/index";
import { DAY } from "../support/time";

export interface Response<T = unknown> {
    status: number;
    headers: Headers;
    body: T;
    text: string;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<IscEmulator> {
    return IscEmulator.start({ rateLimit: false, ...options });
}

/** POST /oauth/token with an urlencoded body; returns the bearer token. */
export async function bearer(emu: IscEmulator, clientId?: string, clientSecret?: string): Promise<string> {
    const res = await tokenRequest(emu, {
        grant_type: "client_credentials",
        client_id: clientId ?? emu.defaultClient.clientId,
        client_secret: clientSecret ?? emu.defaultClient.clientSecret,
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
    return (res.body as { access_token: string }).access_token;
}

export async function tokenRequest(emu: IscEmulator, form: Record<string, string>): Promise<Response> {
    return call(emu, "POST", "/oauth/token", {
        rawBody: new URLSearchParams(form).toString(),
        contentType: "application/x-www-form-urlencoded",
    });
}

export interface CallOptions {
    token?: string;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
}

export async function call<T = unknown>(
    emu: IscEmulator,
    method: string,
    path: string,
    options: CallOptions = {},
): Promise<Response<T>> {
    const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) {
        headers["Content-Type"] =
            options.contentType ?? (method === "PATCH" ? "application/json-patch+json" : "application/json");
    }
    const res = await fetch(`${emu.baseUrl}${path}`, { method, headers, body, signal: options.signal });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== "") parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** An ISO date `days` from the emulator's now. */
export function daysFromNow(emu: IscEmulator, days: number): string {
    return new Date(emu.clock.nowMs() + days * DAY).toISOString();
}

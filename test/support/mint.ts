// Whether a PAT's own credentials still mint a bearer token at the emulator, as a consumer outside
// the program uses them: POST /oauth/token with the token's id and secret (client credentials).
import { hygiene } from "./hygiene";

export async function mints(baseUrl: string, id: string, secret: string): Promise<boolean> {
    const response = await fetch(`${baseUrl}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: secret }),
    });
    const text = await response.text();
    if (response.status === 200) {
        hygiene.secret((JSON.parse(text) as { access_token?: string }).access_token);
        return true;
    }
    if (response.status === 401) return false;
    throw new Error(`POST /oauth/token answered ${response.status}: ${text.slice(0, 200)}`);
}

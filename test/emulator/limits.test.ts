// The emulator's per-owner cap: 10 tokens per identity by default (the product's documented limit),
// configurable, and off with null; each owner counts separately.
import assert from "node:assert/strict";
import { IscEmulator } from "../../emulator";
import { DAY } from "../support/time";

describe("emulator: tokens per owner", () => {
    it("caps each owner at 10 by default, counting owners separately; configurable and switchable off", async () => {
        for (const [cap, allowed] of [
            [undefined, 10],
            [3, 3],
            [null, 12],
        ] as const) {
            const emu = await IscEmulator.start({ rateLimit: false, maxTokensPerOwner: cap });
            try {
                // Another owner at the cap already (seeded out of band) does not count against the client.
                const bob = emu.addIdentity({ name: "Bob" });
                for (let i = 0; i < 10; i++) emu.createToken(bob.id, { name: `b-${i}` });
                const { clientId, clientSecret } = emu.defaultClient;
                const form = new URLSearchParams({
                    grant_type: "client_credentials",
                    client_id: clientId,
                    client_secret: clientSecret,
                });
                const auth = (await (
                    await fetch(`${emu.baseUrl}/oauth/token`, { method: "POST", body: form })
                ).json()) as { access_token: string };
                const statuses: number[] = [];
                for (let i = 0; i < 12; i++) {
                    const res = await fetch(`${emu.baseUrl}/v2025/personal-access-tokens`, {
                        method: "POST",
                        headers: {
                            authorization: `Bearer ${auth.access_token}`,
                            "content-type": "application/json",
                            accept: "application/json",
                        },
                        body: JSON.stringify({
                            name: `t-${i}`,
                            expirationDate: new Date(Date.now() + DAY).toISOString(),
                        }),
                    });
                    statuses.push(res.status);
                    if (res.status === 400)
                        assert.match(
                            await res.text(),
                            new RegExp(`at most ${allowed} personal access tokens`),
                        );
                    else await res.arrayBuffer();
                }
                assert.equal(statuses.filter((s) => s === 200).length, allowed, `cap ${String(cap)}`);
            } finally {
                await emu.stop();
            }
        }
    });
});

// The lint rules that hold owners to their concerns (eslint.config.mjs): instants are read and spelled
// by provider/rules/dates.ts alone in provider/ and policy/, the wall clock read by provider/rules/clock.ts
// alone there, the tests share one DAY, the doors cast nothing through unknown, and `__provider` stays
// in the dynamic door. Run through ESLint itself, on made sources, so a rule that stops firing fails here.
import assert from "node:assert/strict";
import { ESLint } from "eslint";
import { REPO } from "../../scripts/pulumi-project";

async function refusals(filePath: string, code: string, rule = "no-restricted-syntax"): Promise<string[]> {
    const eslint = new ESLint({ cwd: REPO });
    const [result] = await eslint.lintText(code, { filePath: `${REPO}/${filePath}` });
    return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

const DATES = [
    'export const a = Date.parse("2030-01-01T00:00:00Z");',
    'export const b = new Date("2030-01-01");',
    "export const c = (s: string) => new Date(s);",
    'export const d = (t: Date) => t.toISOString().replace(/\\.\\d{3}Z$/, "Z");',
    "export const e = (t: Date) => t.toISOString().slice(0, 10);",
];
/** Reads of the wall clock: provider/rules/clock.ts's alone. */
const WALL_CLOCK = ["export const f = new Date();", "export const j = new Date().toISOString();"];
const ALLOWED = [
    "export const g = new Date(Date.now() + 5);",
    "export const h = new Date(Date.UTC(2030, 0, 1));",
    "export const i = (d: Date) => new Date(d.getTime());",
];

describe("lint: owners that are enforced", function () {
    this.timeout(60_000);

    for (const file of ["provider/rules/x.ts", "provider/audit/x.ts", "policy/x.ts"]) {
        it(`${file}: Date.parse, new Date(<string>) and trimmed toISOString are refused`, async () => {
            for (const code of DATES) assert.equal((await refusals(file, code)).length, 1, code);
            for (const code of ALLOWED) assert.deepEqual(await refusals(file, code), [], code);
        });

        it(`${file}: new Date() (the wall clock) is refused: decisions take now`, async () => {
            for (const code of WALL_CLOCK) assert.equal((await refusals(file, code)).length, 1, code);
        });
    }

    it("provider/rules/dates.ts, their owner, may use them; provider/rules/clock.ts alone reads the clock", async () => {
        for (const code of DATES) assert.deepEqual(await refusals("provider/rules/dates.ts", code), [], code);
        for (const code of WALL_CLOCK) {
            assert.equal((await refusals("provider/rules/dates.ts", code)).length, 1, code);
            assert.deepEqual(await refusals("provider/rules/clock.ts", code), [], code);
        }
        assert.equal((await refusals("provider/rules/clock.ts", DATES[0])).length, 1);
    });

    it("tests spell a day only as test/support/time.ts's DAY", async () => {
        assert.equal((await refusals("test/unit/x.test.ts", "export const DAY = 86_400_000;")).length, 2);
        assert.equal((await refusals("test/e2e/x.test.ts", "export const t = 3 * 86400000;")).length, 1);
        assert.deepEqual(await refusals("test/support/time.ts", "export const DAY = 86_400_000;"), []);
    });

    it("the doors cast nothing through unknown; the core may", async () => {
        const cast = "export const k = (v: object) => v as unknown as string[];";
        const rule = "house/no-cast-through-unknown";
        for (const door of ["provider/native/x.ts", "provider/dynamic/x.ts"]) {
            assert.equal((await refusals(door, cast, rule)).length, 1, door);
            assert.deepEqual(await refusals(door, "export const k = (v: string) => v as string;", rule), []);
        }
        assert.deepEqual(await refusals("provider/rules/x.ts", cast, rule), []);
    });

    it("__provider is spelled in the dynamic door alone", async () => {
        const rule = "house/no-serialized-provider-key";
        const key = "__" + "provider";
        const spellings = [
            `export const k = "${key}";`,
            `export const o = { ${key}: 1 };`,
            `export const t = (x: string) => \`\${x}${key}\`;`,
        ];
        for (const file of ["provider/lifecycle/x.ts", "provider/native/x.ts", "policy/x.ts"]) {
            for (const code of spellings)
                assert.equal((await refusals(file, code, rule)).length, 1, `${file}: ${code}`);
        }
        for (const code of spellings)
            assert.deepEqual(await refusals("provider/dynamic/x.ts", code, rule), []);
    });
});

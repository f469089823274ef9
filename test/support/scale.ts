// How much load the long offline tests carry. `npm test` runs them at full scale; the clock-ahead
// reruns (test/clock-ahead.test.ts) set ISC_PAT_TEST_SCALE=reduced, because their worth is in running
// every code path that reads or derives a date ahead of time, not in running the load again: fewer
// simulated days, tokens or sequences, the same paths. Each test reads its size through `atScale`,
// so the reduced size is written beside the full one; docs/testing.md lists them.
export const SCALE_VARIABLE = "ISC_PAT_TEST_SCALE";

export type Scale = "full" | "reduced";

/** The scale of this process: full unless ISC_PAT_TEST_SCALE says reduced. */
export function testScale(env: NodeJS.ProcessEnv = process.env): Scale {
    const value = env[SCALE_VARIABLE];
    if (value === undefined || value === "" || value === "full") return "full";
    if (value === "reduced") return "reduced";
    throw new Error(`${SCALE_VARIABLE} must be "full" or "reduced", not ${JSON.stringify(value)}`);
}

/** `full` at full scale, `reduced` in a reduced run. */
export function atScale<T>(full: T, reduced: T): T {
    return testScale() === "full" ? full : reduced;
}

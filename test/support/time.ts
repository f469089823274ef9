// The tests' one day in milliseconds (eslint.config.mjs refuses another spelling in test/).
export const DAY = 86_400_000;

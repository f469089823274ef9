#!/usr/bin/env bash
# npm test's first step: the build and the lint (eslint, prettier --check) at once, one on each core;
# both must pass. They touch different files: the lint ignores dist/ and the plugin's bundle, which the
# build writes. The lint's output is printed after the build's, so neither interleaves.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lint_output=$(mktemp)
trap 'rm -f "$lint_output"' EXIT
npm run --silent lint >"$lint_output" 2>&1 &
lint=$!
npm run --silent build
built=$?
wait "$lint"
linted=$?
cat "$lint_output"
[ "$built" -eq 0 ] && [ "$linted" -eq 0 ]

#!/usr/bin/env bash
# Prints the absolute path of actionlint (the GitHub Actions workflow checker) on stdout, and nothing
# else (progress goes to stderr). Built from the module proxy at the version tools/actionlint/go.mod
# pins, into .cache/actionlint/<version>/ (under $PULUMI_CLI_CACHE's parent when that is set, so that
# worktrees share it), and reused until that version changes. Go's build cache makes a rebuild seconds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$repo/tools/actionlint"
log() { echo "actionlint.sh: $*" >&2; }

version=$(awk '$1 == "require" && $2 == "github.com/rhysd/actionlint" { print $3; exit }' "$tools/go.mod")
[[ -n "$version" ]] || { log "cannot read the actionlint version from $tools/go.mod"; exit 1; }
cache="${PULUMI_CLI_CACHE:+$(dirname "$PULUMI_CLI_CACHE")}"
bin="${cache:-$repo/.cache}/actionlint/$version/actionlint"

if [[ ! -x "$bin" ]]; then
  log "building actionlint $version from Go modules"
  mkdir -p "$(dirname "$bin")"
  (cd "$tools" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$bin.tmp.$$" github.com/rhysd/actionlint/cmd/actionlint)
  mv "$bin.tmp.$$" "$bin"
fi
echo "$bin"

#!/usr/bin/env bash
# Prints the absolute path of a usable `pulumi` CLI on stdout, and nothing
# else (progress goes to stderr).
#
#  1. A `pulumi` on PATH is used if a `pulumi-language-nodejs` comes with it
#     (beside it or on PATH). Set PULUMI_CLI_BUILD=1 to skip this step.
#  2. Otherwise the CLI is built from Go modules (tools/pulumi-cli, see its
#     README) into a git-ignored cache, together with our own Node.js
#     language host and the dynamic-provider plugin wrapper, and reused on
#     later runs until a file under tools/pulumi-cli changes.
#
# The plugins sit next to `pulumi`, where the CLI looks for bundled plugins,
# so running the printed path needs no PATH change (only `node` on PATH).
# Callers that run plain `pulumi` (e.g. the Automation API without
# pulumiCommand) put its directory first on PATH:
#   export PATH="$(dirname "$(scripts/pulumi-cli.sh)"):$PATH"
#
# Environment: PULUMI_CLI_BUILD=1 (ignore PATH), PULUMI_CLI_CACHE (cache
# root, default <repo>/.cache/pulumi-cli).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$repo/tools/pulumi-cli"
log() { echo "pulumi-cli.sh: $*" >&2; }

# 1. A complete installation on PATH.
if [[ -z "${PULUMI_CLI_BUILD:-}" ]] && found=$(command -v pulumi 2>/dev/null); then
  if [[ -x "$(dirname "$found")/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null 2>&1; then
    # Resolve to an absolute path (command -v may return a relative one).
    (cd "$(dirname "$found")" && echo "$PWD/$(basename "$found")")
    exit 0
  fi
  log "ignoring $found: no pulumi-language-nodejs next to it or on PATH"
fi

# 2. Build (or reuse) the CLI pinned by tools/pulumi-cli/go.mod. The Go
# module version must match the npm @pulumi/pulumi the project locks; go.sum
# pins the hashes, so changing it is an edit of go.mod/go.sum (see README).
version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$tools/go.mod")
[[ -n "$version" ]] || { log "cannot read the pkg/v3 version from $tools/go.mod"; exit 1; }

npm_version=""
if [[ -f "$repo/node_modules/@pulumi/pulumi/package.json" ]]; then
  npm_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$repo/node_modules/@pulumi/pulumi/package.json" | head -n1)
elif [[ -f "$repo/package-lock.json" ]] && command -v node >/dev/null 2>&1; then
  npm_version=$(node -e 'const l = require(process.argv[1]); const p = (l.packages || {})["node_modules/@pulumi/pulumi"] || (l.dependencies || {})["@pulumi/pulumi"]; console.log(p ? p.version : "")' "$repo/package-lock.json" 2>/dev/null || true)
fi
if [[ -n "$npm_version" && "v$npm_version" != "$version" ]]; then
  log "warning: npm @pulumi/pulumi is $npm_version but tools/pulumi-cli/go.mod pins the CLI at $version"
fi

bin="${PULUMI_CLI_CACHE:-$repo/.cache/pulumi-cli}/$version/bin"
mkdir -p "$bin"

is_fresh() {
  [[ -x "$bin/pulumi" && -x "$bin/pulumi-language-nodejs" && -x "$bin/pulumi-resource-pulumi-nodejs" ]] &&
    [[ -z "$(find "$tools" -type f -newer "$bin/pulumi" -print -quit)" ]]
}

if ! is_fresh; then
  # One build at a time; a waiting caller reuses the result.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$bin/.build.lock"
    flock 9
  fi
  if ! is_fresh; then
    go=$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)
    [[ -x "$go" ]] || { log "Go is needed to build the Pulumi CLI but was not found"; exit 1; }
    log "building the Pulumi CLI $version from Go modules; the first build takes several minutes"
    start=$SECONDS
    tmp=$(mktemp -d "$bin/.build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # -s -w: no symbol table or DWARF (a shorter link, a smaller binary). Go's build cache (GOCACHE)
    # keeps the compiled packages, so a rebuild after a change under tools/pulumi-cli relinks and
    # recompiles only what changed.
    ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
    # One `go build` of both commands: the packages they share compile once, and Go schedules the
    # whole graph on every core. -mod=readonly: every module is verified against the committed go.sum.
    (
      cd "$tools"
      log "building pulumi (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) and pulumi-language-nodejs (our own Node.js language host)"
      "$go" build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp/" \
        ./language-nodejs github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      mv "$tmp/language-nodejs" "$tmp/pulumi-language-nodejs"
    ) >&2
    sed "s|@REPO@|$repo|g" "$tools/pulumi-resource-pulumi-nodejs" >"$tmp/pulumi-resource-pulumi-nodejs"
    chmod 0755 "$tmp/pulumi-resource-pulumi-nodejs"
    mv -f "$tmp/pulumi-language-nodejs" "$tmp/pulumi-resource-pulumi-nodejs" "$bin/"
    mv -f "$tmp/pulumi" "$bin/pulumi" # last: its mtime marks the build as complete
    log "built $bin/pulumi in $((SECONDS - start))s"
  fi
fi

echo "$bin/pulumi"

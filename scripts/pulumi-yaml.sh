#!/usr/bin/env bash
# Prints the absolute path of a `pulumi` CLI that can run Pulumi YAML programs
# on stdout, and nothing else (progress goes to stderr).
#
# The CLI is the one scripts/pulumi-cli.sh gives. The Pulumi YAML language host
# (pulumi-language-yaml) must sit beside it, where the CLI looks for language
# hosts:
#  1. A CLI with a pulumi-language-yaml beside it (or on PATH) that was not
#     built by us (a Pulumi installation) is used as it is.
#  2. Otherwise the host is built from Go modules (tools/pulumi-yaml, see
#     tools/pulumi-cli/README.md) into the CLI's cache bin directory, and
#     reused on later runs until a file under tools/pulumi-yaml changes.
#     A CLI on PATH without the host is passed over for the cached build
#     (PULUMI_CLI_BUILD=1), as pulumi-cli.sh passes over one without a
#     Node.js host: nothing is written beside someone else's CLI.
#
# It is a separate step from pulumi-cli.sh because the host is a build of its
# own (its own pkg/v3 version, about 6 minutes cold on 2 cores) that only the
# tests of YAML programs need; `npm run demo` and the other tests do not wait
# for it.
#
# Environment: as scripts/pulumi-cli.sh (PULUMI_CLI_BUILD, PULUMI_CLI_CACHE).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$repo/tools/pulumi-yaml"
log() { echo "pulumi-yaml.sh: $*" >&2; }

cli=$(bash "$repo/scripts/pulumi-cli.sh")
bin=$(dirname "$cli")
# Ours: a build directory of pulumi-cli.sh (its plugin wrapper, copied from
# tools/pulumi-cli, names the script).
ours() { grep -qs 'scripts/pulumi-cli.sh' "$1/pulumi-resource-pulumi-nodejs"; }

# 1. A Pulumi installation that brings its own YAML host.
if ! ours "$bin"; then
  if [[ -x "$bin/pulumi-language-yaml" ]] || command -v pulumi-language-yaml >/dev/null 2>&1; then
    echo "$cli"
    exit 0
  fi
  log "ignoring $cli: no pulumi-language-yaml next to it or on PATH; using the cached build"
  cli=$(PULUMI_CLI_BUILD=1 bash "$repo/scripts/pulumi-cli.sh")
  bin=$(dirname "$cli")
fi

# 2. Build (or reuse) the host pinned by tools/pulumi-yaml/go.mod beside our CLI.
host="$bin/pulumi-language-yaml"
version=$(awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/pulumi/pulumi-yaml") { print $(i + 1); exit } }' "$tools/go.mod")
[[ -n "$version" ]] || { log "cannot read the pulumi-yaml version from $tools/go.mod"; exit 1; }

is_fresh() {
  [[ -x "$host" ]] && [[ -z "$(find "$tools" -type f -newer "$host" -print -quit)" ]]
}

if ! is_fresh; then
  # One build at a time; a waiting caller reuses the result.
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$bin/.build-yaml.lock"
    flock 8
  fi
  if ! is_fresh; then
    go=$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)
    [[ -x "$go" ]] || { log "Go is needed to build the Pulumi YAML language host but was not found"; exit 1; }
    log "building pulumi-language-yaml $version from Go modules; the first build takes several minutes"
    start=$SECONDS
    tmp=$(mktemp -d "$bin/.build-yaml.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    # As pulumi-cli.sh: no symbol table or DWARF; every module verified against the committed go.sum.
    (
      cd "$tools"
      "$go" build -mod=readonly -trimpath -ldflags "-s -w" -o "$tmp/" \
        github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
    ) >&2
    mv -f "$tmp/pulumi-language-yaml" "$host" # its mtime marks the build as complete
    log "built $host in $((SECONDS - start))s"
  fi
fi

echo "$cli"

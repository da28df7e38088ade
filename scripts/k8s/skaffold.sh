#!/usr/bin/env bash
# Skaffold v2.16.1 built from its Go module (the machine has no download site): the module
# is required from a scratch module, golang.org/x/tools raised to a version today's Go
# compiles and skaffold's own replace directives copied, then cmd/skaffold built. Cached.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SKAFFOLD_VERSION=${SKAFFOLD_VERSION:-v2.16.1}
out="$K8S_CACHE/bin/skaffold-$SKAFFOLD_VERSION"
[ -x "$out" ] && { say "skaffold $SKAFFOLD_VERSION cached"; exit 0; }
need go "install Go"
mod="$K8S_CACHE/src/skaffold-$SKAFFOLD_VERSION"
mkdir -p "$mod"
cd "$mod"
[ -f go.mod ] || printf 'module skaffoldbuild\n\ngo 1.22\n' >go.mod
say "building skaffold $SKAFFOLD_VERSION from the Go module proxy (about 10 minutes on two cores)"
GOFLAGS=-mod=mod go get "github.com/GoogleContainerTools/skaffold/v2@$SKAFFOLD_VERSION" golang.org/x/tools@v0.32.0 >/dev/null 2>&1 ||
  die "go get github.com/GoogleContainerTools/skaffold/v2@$SKAFFOLD_VERSION failed: is the Go module proxy reachable?"
# A dependency's replace directives do not apply to the module that requires it: take skaffold's own.
skmod=$(GOFLAGS=-mod=mod go list -m -f '{{.GoMod}}' "github.com/GoogleContainerTools/skaffold/v2")
edits=()
while read -r from to ver; do edits+=("-replace=$from=$to@$ver"); done < <(sed -n 's/^replace \([^ ]*\) => \([^ ]*\) \([^ ]*\)$/\1 \2 \3/p' "$skmod")
[ ${#edits[@]} -eq 0 ] || go mod edit "${edits[@]}"
GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o "$out.tmp" github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold || die "building skaffold failed (see above)"
mv "$out.tmp" "$out"
say "built $out"

#!/usr/bin/env bash
# Builds the Kubernetes control-plane and node binaries from the published Go
# module (no Docker, no GitHub): k8s.io/kubernetes ships its staging modules as
# local replaces, so the build drops them and requires the published v0.x.y of
# each instead. Cached: a binary that exists is not rebuilt.
#   usage: scripts/k8s/binaries.sh [component ...]   (default: all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)

missing=()
for c in "${components[@]}"; do [ -x "$K8S_BIN/$c" ] || missing+=("$c"); done
if [ ${#missing[@]} -eq 0 ]; then say "kubernetes $K8S_VERSION binaries cached in $K8S_BIN"; exit 0; fi

need go "install Go (https://go.dev/dl) — the binaries are built from the Go module proxy"
src="$K8S_CACHE/src/kubernetes-$K8S_VERSION"
if [ ! -f "$src/.prepared" ]; then
  say "downloading k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
  dir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download k8s.io/kubernetes@$K8S_VERSION failed: is the Go module proxy reachable (GOPROXY=$(go env GOPROXY))?"
  rm -rf "$src" && mkdir -p "$(dirname "$src")"
  cp -r "$dir" "$src" && chmod -R u+w "$src"
  say "pointing the staging modules at their published v0.${K8S_VERSION#v1.}"
  (
    cd "$src"
    rm -f go.work go.work.sum
    edits=()
    for m in $(sed -n 's#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' go.mod); do
      edits+=("-dropreplace=$m" "-require=$m@v0.${K8S_VERSION#v1.}")
    done
    go mod edit "${edits[@]}"
  )
  touch "$src/.prepared"
fi

mkdir -p "$K8S_BIN"
say "building ${missing[*]} (about 10 minutes for the first on two cores; Go caches the rest)"
pkgs=(); for c in "${missing[@]}"; do pkgs+=("./cmd/$c"); done
start=$SECONDS
(cd "$src" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.}" -o "$K8S_BIN/" "${pkgs[@]}") \
  || die "go build of ${missing[*]} failed (see above); the source is in $src"
say "built ${missing[*]} in $((SECONDS - start)) s"

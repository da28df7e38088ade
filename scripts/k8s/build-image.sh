#!/usr/bin/env bash
# Builds the MeetUp Hype image with buildah (no Docker engine) and pushes it to the local
# registry: Skaffold's custom builder in the `local-cluster` profile calls it with $IMAGE set;
# by hand: IMAGE=127.0.0.1:5000/meetuphype:dev scripts/k8s/build-image.sh.
# The build trusts the CAs this machine's npm trusts (its `cafile`), so that `npm ci` inside
# works behind the same TLS proxy; base images come from the local registry (scripts/k8s/images.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
: "${IMAGE:?set IMAGE (Skaffold does)}"
root="$here/../.."
conf="$K8S_STATE/containers"
mkdir -p "$conf"
cat >"$conf/registries.conf" <<TOML
unqualified-search-registries = ["docker.io"]
[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "127.0.0.1:$K8S_REGISTRY_PORT"
insecure = true
[[registry]]
location = "127.0.0.1:$K8S_REGISTRY_PORT"
insecure = true
TOML
mounts=()
cafile=$(npm config get cafile 2>/dev/null || true)
if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
  printf 'cafile=/etc/ssl/certs/meetuphype-build-ca.crt\n' >"$conf/npmrc"
  mounts+=(-v "$cafile:/etc/ssl/certs/meetuphype-build-ca.crt:ro" -v "$conf/npmrc:/usr/local/etc/npmrc:ro")
fi
say "building $IMAGE with buildah"
CONTAINERS_REGISTRIES_CONF="$conf/registries.conf" buildah bud --network host -q "${mounts[@]}" -t "$IMAGE" -f "$root/Dockerfile" "$root" >/dev/null
if [ "${PUSH_IMAGE:-true}" = true ]; then
  CONTAINERS_REGISTRIES_CONF="$conf/registries.conf" buildah push -q --tls-verify=false "$IMAGE"
  say "pushed $IMAGE"
fi

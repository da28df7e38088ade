# Shared settings and helpers of the local-cluster scripts (sourced, not run).
K8S_VERSION=${K8S_VERSION:-v1.31.4}
MEETUPHYPE_CACHE=${MEETUPHYPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meetuphype}
K8S_CACHE="$MEETUPHYPE_CACHE/k8s"
K8S_BIN="$K8S_CACHE/bin/$K8S_VERSION"

say() { printf '[k8s %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[k8s] error: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is not installed: $2"; }

# The local cluster's state (certificates, etcd data, logs, pids) and fixed ports: it is a
# machine's cluster like kind's, not a test fixture.
K8S_STATE=${K8S_STATE:-$MEETUPHYPE_CACHE/cluster}
K8S_API_PORT=${K8S_API_PORT:-6443}
K8S_ETCD_PORT=${K8S_ETCD_PORT:-2379}
K8S_REGISTRY_PORT=${K8S_REGISTRY_PORT:-5000}
K8S_NODE=${K8S_NODE:-meetuphype-node}
K8S_POD_CIDR=${K8S_POD_CIDR:-10.244.0.0/24}
K8S_SERVICE_CIDR=${K8S_SERVICE_CIDR:-10.96.0.0/16}
K8S_DNS_IP=${K8S_DNS_IP:-10.96.0.10}
KUBECONFIG_FILE="$K8S_STATE/admin.kubeconfig"

# start <name> <command...>: runs a daemon in the background, its log in $K8S_STATE/logs, its pid kept.
start() {
  local name=$1; shift
  mkdir -p "$K8S_STATE/logs" "$K8S_STATE/pids"
  if [ -f "$K8S_STATE/pids/$name" ] && kill -0 "$(cat "$K8S_STATE/pids/$name")" 2>/dev/null; then say "$name already running"; return 0; fi
  nohup "$@" >"$K8S_STATE/logs/$name.log" 2>&1 &
  echo $! >"$K8S_STATE/pids/$name"
  say "started $name (log: $K8S_STATE/logs/$name.log)"
}

# wait_for <what> <seconds> <command...>: polls until the command succeeds; names the log on failure.
wait_for() {
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 "$secs"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  die "$what did not come up within $secs s: see the logs in $K8S_STATE/logs"
}

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# in_registry <repo> <tag>: whether the local registry has the image.
in_registry() {
  curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$K8S_REGISTRY_PORT/v2/$1/manifests/$2"
}

# binary_image <binary> <image> <uid>: an image of one static binary at /<name> (its
# entrypoint), run as <uid>, pushed to the local registry.
binary_image() {
  local bin=$1 image=$2 uid=$3 name ctr
  name=$(basename "$bin")
  ctr=$(buildah from scratch)
  buildah copy "$ctr" "$bin" "/$name" >/dev/null
  buildah config --entrypoint "[\"/$name\"]" --user "$uid:$uid" "$ctr"
  buildah commit -q "$ctr" "$image" >/dev/null
  buildah rm "$ctr" >/dev/null
  buildah push -q --tls-verify=false "$image" || die "pushing $image failed: does the registry at 127.0.0.1:$K8S_REGISTRY_PORT answer?"
  say "pushed $image"
}

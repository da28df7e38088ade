# Shared settings and helpers of the local-cluster scripts (sourced, not run).
K8S_VERSION=${K8S_VERSION:-v1.31.4}
MEETUPHYPE_CACHE=${MEETUPHYPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meetuphype}
K8S_CACHE="$MEETUPHYPE_CACHE/k8s"
K8S_BIN="$K8S_CACHE/bin/$K8S_VERSION"

say() { printf '[k8s %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[k8s] error: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is not installed: $2"; }

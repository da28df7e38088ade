#!/usr/bin/env bash
# Stops the local cluster (pods first, then the node, then the control plane). Data stays
# in $K8S_STATE; `--purge` deletes it too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stop_one() {
  local f="$K8S_STATE/pids/$1"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $1"
  fi
  rm -f "$f"
}
if [ -f "$K8S_STATE/pids/kubelet" ] && [ -S "$K8S_STATE/containerd/containerd.sock" ]; then
  # The pods' containers, so that nothing keeps running without a kubelet.
  ctr --address "$K8S_STATE/containerd/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null | while read -r t; do
    ctr --address "$K8S_STATE/containerd/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
  done
fi
for c in kube-proxy kubelet containerd registry kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_one "$c"; done
# Containers whose shims outlived containerd (pods that were still starting or stopping):
# their shims name this cluster's containerd socket.
for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $K8S_STATE/containerd/containerd.sock" || true); do
  pkill -9 -P "$shim" 2>/dev/null || true
  kill -9 "$shim" 2>/dev/null || true
done
# The pods' network namespaces' mounts and the bridge.
ip link del mh0 2>/dev/null || true
if [ "${1:-}" = "--purge" ]; then
  grep -o "$K8S_STATE[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$K8S_STATE"
  say "deleted $K8S_STATE"
fi

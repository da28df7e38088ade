#!/usr/bin/env bash
# `npm run k8s:up`: a single-node Kubernetes on this machine (see docs/kubernetes.md).
# Idempotent: what runs already is kept, what is built already is reused.
set -euo pipefail
here="$(dirname "$0")"
source "$here/lib.sh"
[ "$(id -u)" = 0 ] || die "the local cluster needs root (containers, network namespaces, iptables)"
t0=$SECONDS
step() { say "== $* ($((SECONDS - t0)) s)"; }
step "Debian packages"
bash "$here/packages.sh" etcd-server containerd runc containernetworking-plugins buildah docker-registry iptables conntrack gcc libc6-dev curl debootstrap
step "Kubernetes $K8S_VERSION binaries"
bash "$here/binaries.sh"
step "control plane"
bash "$here/control-plane.sh"
step "node"
bash "$here/node.sh"
step "cluster DNS"
bash "$here/dns.sh"
step "ready"
echo "export KUBECONFIG=$KUBECONFIG_FILE"

#!/usr/bin/env bash
# Cluster DNS: CoreDNS built from its Go module, as an image in the local registry, deployed
# as kube-dns on $K8S_DNS_IP (the kubelet's clusterDNS).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REG="127.0.0.1:$K8S_REGISTRY_PORT"
COREDNS_VERSION=${COREDNS_VERSION:-v1.11.3}
bin="$K8S_CACHE/bin/coredns-$COREDNS_VERSION"
if [ ! -x "$bin" ]; then
  say "building CoreDNS $COREDNS_VERSION from the Go module proxy (a few minutes)"
  tmp=$(mktemp -d)
  (cd /tmp && GOFLAGS=-mod=mod GOBIN="$tmp" CGO_ENABLED=0 go install "github.com/coredns/coredns@$COREDNS_VERSION") || die "go install github.com/coredns/coredns@$COREDNS_VERSION failed"
  mv "$tmp/coredns" "$bin"
fi
if ! in_registry coredns "$COREDNS_VERSION"; then
  work=$(mktemp -d)
  cp "$bin" "$work/coredns"
  binary_image "$work/coredns" "$REG/coredns:$COREDNS_VERSION" 65534
  rm -rf "$work"
fi
sed -e "s#@IMAGE@#$REG/coredns:$COREDNS_VERSION#" -e "s#@DNS_IP@#$K8S_DNS_IP#" "$(dirname "$0")/coredns.yaml" | kc apply -f - >/dev/null
wait_for "CoreDNS" 120 kc -n kube-system rollout status deployment/coredns --timeout=2s
say "cluster DNS on $K8S_DNS_IP"

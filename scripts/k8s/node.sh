#!/usr/bin/env bash
# The node of the local cluster: a local image registry (Debian's docker-registry) that
# also answers for Docker Hub's names, containerd (CRI, runc, cgroupfs) with the standard
# CNI plugins (a bridge with host-local addresses), the pause image built from the
# Kubernetes source, kubelet and kube-proxy (iptables).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
B=$K8S_BIN
REG="127.0.0.1:$K8S_REGISTRY_PORT"
C="$K8S_STATE/containerd"
mkdir -p "$C/certs.d/docker.io" "$C/certs.d/$REG" "$K8S_STATE/cni/net.d" "$K8S_STATE/registry" "$K8S_STATE/kubelet"

# --- the registry ---
cat >"$K8S_STATE/registry/config.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $K8S_STATE/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$K8S_REGISTRY_PORT
YML
start registry docker-registry serve "$K8S_STATE/registry/config.yml"
wait_for "the registry at $REG" 30 curl -sf "http://$REG/v2/"

# --- containerd: Docker Hub's names are pulled from the local registry first ---
# restrict_oom_score_adj: this sandbox may not lower a process's oom_score_adj below its own (0),
# which kubelet asks for the pause container (-998); runc then fails with "can't get final
# child's PID from pipe". Restricted, containerd raises such values to its own.
cat >"$C/certs.d/docker.io/hosts.toml" <<TOML
server = "https://registry-1.docker.io"
[host."http://$REG"]
  capabilities = ["pull", "resolve"]
TOML
cat >"$C/certs.d/$REG/hosts.toml" <<TOML
server = "http://$REG"
[host."http://$REG"]
  capabilities = ["pull", "resolve", "push"]
TOML
containerd config default >"$C/config.toml.default"
sed -e "s#^root = .*#root = \"$C/root\"#" \
  -e "s#^state = .*#state = \"$C/state\"#" \
  -e "s#/run/containerd/containerd.sock#$C/containerd.sock#" \
  -e "s#sandbox_image = .*#sandbox_image = \"$REG/pause:3.10\"#" \
  -e "s#bin_dir = .*#bin_dir = \"/usr/lib/cni\"#" \
  -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$K8S_STATE/cni/net.d\"#" \
  -e "s#config_path = \"\"#config_path = \"$C/certs.d\"#" \
  -e "s#restrict_oom_score_adj = false#restrict_oom_score_adj = true#" \
  "$C/config.toml.default" >"$C/config.toml"
cat >"$K8S_STATE/cni/net.d/10-bridge.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "meetuphype",
  "plugins": [
    { "type": "bridge", "bridge": "mh0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$K8S_POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "loopback" }
  ]
}
JSON
start containerd containerd --config "$C/config.toml"
wait_for containerd 30 test -S "$C/containerd.sock"

# --- the pause image, from the Kubernetes source (registry.k8s.io is not reachable) ---
if ! in_registry pause 3.10; then
  need buildah "apt-get install buildah"
  src=$(ls -d "$K8S_CACHE/src/kubernetes-$K8S_VERSION/build/pause/linux" 2>/dev/null) || die "run scripts/k8s/binaries.sh first (the pause source comes with it)"
  work=$(mktemp -d)
  gcc -Os -static -o "$work/pause" "$src/pause.c" -DVERSION=3.10 || die "gcc could not build pause.c"
  binary_image "$work/pause" "$REG/pause:3.10" 65535
  rm -rf "$work"
fi

# --- kubelet ---
cat >"$K8S_STATE/kubelet/config.yaml" <<YML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $K8S_STATE/pki/ca.crt }
authorization: { mode: Webhook }
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$C/containerd.sock
clusterDNS: [$K8S_DNS_IP]
clusterDomain: cluster.local
failSwapOn: false
resolvConf: /etc/resolv.conf
podCIDR: $K8S_POD_CIDR
maxPods: 60
evictionHard: { "memory.available": "200Mi", "nodefs.available": "2%", "imagefs.available": "2%" }
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
serializeImagePulls: false
YML
start kubelet "$B/kubelet" --config="$K8S_STATE/kubelet/config.yaml" \
  --kubeconfig="$K8S_STATE/system_node_$K8S_NODE.kubeconfig" --hostname-override="$K8S_NODE" \
  --root-dir="$K8S_STATE/kubelet/root" --cert-dir="$K8S_STATE/kubelet/pki" --node-ip="$(cat "$K8S_STATE/host-ip")" --v=1
wait_for "node $K8S_NODE to register" 90 kc get node "$K8S_NODE"

# --- kube-proxy ---
start kube-proxy "$B/kube-proxy" --kubeconfig="$K8S_STATE/system_kube-proxy.kubeconfig" \
  --hostname-override="$K8S_NODE" --cluster-cidr=10.244.0.0/16 --proxy-mode=iptables
wait_for "node $K8S_NODE to be Ready" 120 bash -c "kubectl --kubeconfig '$KUBECONFIG_FILE' get node '$K8S_NODE' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -q True"
say "node $K8S_NODE is Ready"

# --- volumes: hostPath PersistentVolumes without a class, for the StatefulSets' claims ---
# (a single node needs no provisioner; each is a folder under $K8S_STATE/volumes)
for i in $(seq 1 ${K8S_VOLUMES:-6}); do
  mkdir -p "$K8S_STATE/volumes/pv$i"
  chmod 777 "$K8S_STATE/volumes/pv$i"
  cat <<YML
apiVersion: v1
kind: PersistentVolume
metadata: { name: local-pv$i, labels: { meetuphype.dev/local: "true" } }
spec:
  capacity: { storage: 10Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: "$K8S_STATE/volumes/pv$i", type: Directory }
---
YML
done | kc apply -f - >/dev/null
say "$(kc get pv -l meetuphype.dev/local=true --no-headers | wc -l) local volumes"

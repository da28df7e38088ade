#!/usr/bin/env bash
# The control plane of the local cluster: etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler on this machine, authenticated by static tokens (a single-user development
# cluster), with an admin kubeconfig at $KUBECONFIG_FILE.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
B=$K8S_BIN
mkdir -p "$K8S_STATE/pki"
cd "$K8S_STATE"

if [ ! -f pki/sa.key ]; then
  openssl genrsa -out pki/sa.key 2048 2>/dev/null
  openssl rsa -in pki/sa.key -pubout -out pki/sa.pub 2>/dev/null
fi
if [ ! -f pki/tokens.csv ]; then
  tok() { openssl rand -hex 16; }
  {
    echo "$(tok),admin,admin,system:masters"
    echo "$(tok),system:kube-controller-manager,kcm"
    echo "$(tok),system:kube-scheduler,sched"
    echo "$(tok),system:node:$K8S_NODE,node,system:nodes"
    echo "$(tok),system:kube-proxy,proxy,system:node-proxier"
  } >pki/tokens.csv
  chmod 600 pki/tokens.csv
fi
token_of() { awk -F, -v u="$1" '$2==u {print $1}' pki/tokens.csv; }
kubeconfig() { # <file> <user>
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "https://127.0.0.1:$K8S_API_PORT", certificate-authority: "$K8S_STATE/pki/ca.crt"}}]
users: [{name: $2, user: {token: "$(token_of "$2")"}}]
contexts: [{name: meetuphype, context: {cluster: local, user: $2}}]
current-context: meetuphype
KC
  chmod 600 "$1"
}

host_ip=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ -n "$host_ip" ] || host_ip=$(hostname -I | awk '{print $1}')
[ -n "$host_ip" ] || die "cannot find this machine's IPv4 address (the API server advertises it to pods)"
# A cluster CA and the API server's certificate for every name it is reached by.
if [ ! -f pki/ca.crt ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout pki/ca.key -out pki/ca.crt -days 3650 -subj "/CN=meetuphype-local-ca" 2>/dev/null
fi
if [ ! -f pki/apiserver.crt ] || ! openssl x509 -in pki/apiserver.crt -noout -text | grep -q "IP Address:$host_ip"; then
  printf 'subjectAltName=IP:127.0.0.1,IP:%s,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' "$host_ip" >pki/apiserver.ext
  openssl req -newkey rsa:2048 -nodes -keyout pki/apiserver.key -out pki/apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in pki/apiserver.csr -CA pki/ca.crt -CAkey pki/ca.key -CAcreateserial -out pki/apiserver.crt -days 3650 -extfile pki/apiserver.ext 2>/dev/null
fi
# The API server's client certificate for kubelets (logs, exec, port-forward).
if [ ! -f pki/apiserver-kubelet-client.crt ]; then
  openssl req -newkey rsa:2048 -nodes -keyout pki/apiserver-kubelet-client.key -out pki/apiserver-kubelet-client.csr \
    -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" 2>/dev/null
  openssl x509 -req -in pki/apiserver-kubelet-client.csr -CA pki/ca.crt -CAkey pki/ca.key -CAcreateserial \
    -out pki/apiserver-kubelet-client.crt -days 3650 2>/dev/null
fi
echo "$host_ip" >"$K8S_STATE/host-ip"

start etcd etcd --name local --data-dir "$K8S_STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$K8S_ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((K8S_ETCD_PORT + 1))"
wait_for etcd 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$K8S_ETCD_PORT"

start kube-apiserver "$B/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$K8S_ETCD_PORT" --secure-port="$K8S_API_PORT" --bind-address=0.0.0.0 \
  --advertise-address="$host_ip" --tls-cert-file="$K8S_STATE/pki/apiserver.crt" --tls-private-key-file="$K8S_STATE/pki/apiserver.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$K8S_STATE/pki/sa.pub" --service-account-signing-key-file="$K8S_STATE/pki/sa.key" \
  --token-auth-file="$K8S_STATE/pki/tokens.csv" --authorization-mode=Node,RBAC \
  --service-cluster-ip-range="$K8S_SERVICE_CIDR" --allow-privileged=true \
  --kubelet-client-certificate="$K8S_STATE/pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$K8S_STATE/pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP
for u in admin system:kube-controller-manager system:kube-scheduler system:node:$K8S_NODE system:kube-proxy; do
  kubeconfig "$K8S_STATE/${u//:/_}.kubeconfig" "$u"
done
wait_for kube-apiserver 90 kc get --raw /readyz

start kube-controller-manager "$B/kube-controller-manager" \
  --kubeconfig="$K8S_STATE/system_kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$K8S_STATE/system_kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$K8S_STATE/system_kube-controller-manager.kubeconfig" \
  --service-account-private-key-file="$K8S_STATE/pki/sa.key" --root-ca-file="$K8S_STATE/pki/ca.crt" \
  --use-service-account-credentials=true --cluster-cidr=10.244.0.0/16 --allocate-node-cidrs=false \
  --service-cluster-ip-range="$K8S_SERVICE_CIDR" --leader-elect=false
start kube-scheduler "$B/kube-scheduler" \
  --kubeconfig="$K8S_STATE/system_kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$K8S_STATE/system_kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$K8S_STATE/system_kube-scheduler.kubeconfig" --leader-elect=false
say "control plane up: export KUBECONFIG=$KUBECONFIG_FILE"

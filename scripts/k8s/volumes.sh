#!/usr/bin/env bash
# `volumes.sh reset`: frees the local volumes whose claims are gone (Released), emptying them,
# so that a new deployment's claims can bind them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for pv in $(kc get pv -l meetuphype.dev/local=true --no-headers 2>/dev/null | awk '$5=="Released"{print $1}'); do
  path=$(kc get pv "$pv" -o jsonpath='{.spec.hostPath.path}')
  case "$path" in "$K8S_STATE"/volumes/*) find "$path" -mindepth 1 -delete ;; *) die "$pv is not a local volume of this cluster ($path)" ;; esac
  kc patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
  say "freed $pv"
done

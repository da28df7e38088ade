#!/usr/bin/env bash
# Installs Debian packages the local-cluster scripts need, when missing (root, apt).
#   usage: scripts/k8s/packages.sh <package> ...
set -euo pipefail
source "$(dirname "$0")/lib.sh"
missing=()
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && { say "packages present: $*"; exit 0; }
[ "$(id -u)" = 0 ] || die "need ${missing[*]} (Debian packages): run as root, or install them: apt-get install -y ${missing[*]}"
need apt-get "install ${missing[*]} with your system's package manager"
say "installing ${missing[*]} (apt-get)"
apt-get update -qq || die "apt-get update failed: is a Debian mirror reachable?"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed (see above)"

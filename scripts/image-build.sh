#!/bin/sh
# Builds the production tree of MeetUp Hype into OUT from the source in the current
# folder: install everything, build, copy each workspace's package.json and dist (and
# the proto files and the command's bin), then install production dependencies only.
# The Dockerfile runs this script; so does the test that checks it outside Docker.
set -eu
OUT="${1:?usage: scripts/image-build.sh OUT_DIR}"

npm ci --no-audit --no-fund
test -f services/cli/dist/main.js || npm run build

mkdir -p "$OUT"
cp package.json package-lock.json "$OUT/"
cp -R proto "$OUT/proto"
for ws in shared/* services/*; do
  [ -f "$ws/package.json" ] || continue
  mkdir -p "$OUT/$ws"
  cp "$ws/package.json" "$OUT/$ws/"
  for part in dist bin proto; do
    if [ -d "$ws/$part" ]; then cp -R "$ws/$part" "$OUT/$ws/$part"; fi
  done
done
find "$OUT" -name '*.tsbuildinfo' -delete

cd "$OUT"
npm ci --omit=dev --no-audit --no-fund --ignore-scripts
echo "image tree ready in $OUT"

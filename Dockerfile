# syntax=docker/dockerfile:1
# One image for every service; the command picks it: `meetuphype ingest`, ...
# Both stages run the same build script as the test that checks it outside Docker.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
# npm's cache survives between builds (BuildKit and buildah cache mounts): a source edit in
# the dev loop re-runs `npm ci` from the cache instead of downloading every package again.
RUN --mount=type=cache,target=/root/.npm sh scripts/image-build.sh /out

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# The services' Node options (services/cli/src/node-options.ts, which a test keeps equal to this):
# larger young-generation semi-spaces, fewer scavenges of the batches in flight.
ENV NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build /out /app
# The node images' unprivileged user. The services handle SIGTERM themselves
# (hand shards over, drain, exit within 10 s), also as PID 1.
USER 1000:1000
EXPOSE 50051 8080 8088
ENTRYPOINT ["node", "/app/services/cli/bin/meetuphype.js"]
CMD ["--help"]

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const lib = (name: string): string => fileURLToPath(new URL(`./shared/${name}/src/index.ts`, import.meta.url));
const svc = (name: string): string => fileURLToPath(new URL(`./services/${name}/src/index.ts`, import.meta.url));

// Tests import the libraries' sources, so no build is needed before `npm test`.
const libs = [
  "core",
  "actors",
  "grpc",
  "pipeline",
  "proto",
  "testkit",
  "infra",
  "config",
  "control-plane",
  "shard-runtime",
  "stage-shards",
  "kafka",
  "metrics",
  "log",
];
const services = ["dedup", "counter", "aggregator", "ingest", "producer", "board"];
// Subpath exports first: an alias also matches what starts with its name and a slash.
const alias: Record<string, string> = {
  "@meetuphype/proto/pipeline": fileURLToPath(new URL("./shared/proto/src/pipeline.ts", import.meta.url)),
  "@meetuphype/control-plane/codec": fileURLToPath(new URL("./shared/control-plane/src/codec.ts", import.meta.url)),
  "@meetuphype/control-plane/retry": fileURLToPath(new URL("./shared/control-plane/src/retry.ts", import.meta.url)),
  "@meetuphype/board/config": fileURLToPath(new URL("./services/board/src/config.ts", import.meta.url)),
  "@meetuphype/shard-runtime/running": fileURLToPath(new URL("./shared/shard-runtime/src/running-shard.ts", import.meta.url)),
};
for (const n of libs) alias[`@meetuphype/${n}`] = lib(n);
for (const n of services) alias[`@meetuphype/${n}`] = svc(n);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: ["{shared,services}/*/test/**/*.test.ts", "deploy/test/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          sequence: { groupOrder: 0 },
          include: ["{shared,services}/*/test/**/*.int.test.ts", "deploy/test/**/*.int.test.ts"],
          exclude: ["**/test/faults/**", "**/node_modules/**"],
          globalSetup: ["./vitest.global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Fault tests start brokers of their own and stall, kill and restart them and the
          // services: one file at a time, after the other projects, so that load from other
          // tests cannot pass for (or hide) a fault's effect.
          name: "faults",
          include: ["{shared,services}/*/test/faults/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 420_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

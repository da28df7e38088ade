/** The gRPC server over real loopback sockets: get, watch, health and reflection. */
import { afterEach, describe, expect, it } from "vitest";
import { credentials, loadPackageDefinition, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { TestSource } from "./source.js";
import { getTrending, startTrendingServer, trendingClient, watchTrending, type ServedSnapshot, type TrendingServer } from "../src/index.js";

class Source extends TestSource {
  constructor() {
    super({ asOfMs: 1, topics: [{ rank: 1, key: "js", name: "JS", score: 2 }] });
  }
}

let server: TrendingServer | undefined;
afterEach(async () => {
  await server?.close(500);
  server = undefined;
});

const start = async (source: Source): Promise<string> => {
  server = await startTrendingServer({ host: "127.0.0.1", port: 0, source, params: DEFAULT_PARAMS });
  return `127.0.0.1:${server.port}`;
};

describe("TrendingService over gRPC", () => {
  it("GetTrending answers the current ranking, cut to the limit", async () => {
    const src = new Source();
    src.snapshot = {
      asOfMs: 5,
      topics: [
        { rank: 1, key: "a", name: "A", score: 3 },
        { rank: 2, key: "b", name: "B", score: 1 },
      ],
      catchingUp: true,
      recordsBehind: 3,
      cut: [
        { partition: 0, next: 7 },
        { partition: 2, next: 1 },
      ],
      inputTopic: "meetup",
    };
    const client = trendingClient(await start(src));
    expect(await getTrending(client, 0)).toEqual(src.snapshot);
    expect((await getTrending(client, 1)).topics.map((t) => t.key)).toEqual(["a"]);
    client.close();
  });

  it("WatchTrending sends the current ranking at once, then each change", async () => {
    const src = new Source();
    const client = trendingClient(await start(src));
    const seen: ServedSnapshot[] = [];
    let notify: () => void = () => undefined;
    const watch = watchTrending(client, 0, (s) => {
      seen.push(s);
      notify();
    });
    const next = (n: number): Promise<void> => new Promise((r) => (notify = () => seen.length >= n && r()));
    await next(1);
    src.set({ asOfMs: 2, topics: [{ rank: 1, key: "go", name: "Go", score: 5 }] });
    await next(2);
    expect(seen.map((s) => s.asOfMs)).toEqual([1, 2]);
    expect(seen[1]?.topics[0]?.key).toBe("go");
    watch.cancel();
    await watch.done;
    client.close();
  });

  it("answers the standard health check and lists services by reflection", async () => {
    const addr = await start(new Source());
    const healthPkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
      grpc: {
        health: {
          v1: {
            Health: new (
              a: string,
              c: ReturnType<typeof credentials.createInsecure>,
            ) => { check(req: object, cb: (e: ServiceError | null, r: { status: string }) => void): void; close(): void };
          };
        };
      };
    };
    const health = new healthPkg.grpc.health.v1.Health(addr, credentials.createInsecure());
    const status = await new Promise<string>((resolve, reject) =>
      health.check({ service: "meetuphype.v1.TrendingService" }, (e, r) => (e ? reject(e) : resolve(r.status))),
    );
    expect(status).toBe("SERVING");
    health.close();

    const reflectionProto = new URL(
      "../../../node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto",
      import.meta.url,
    );
    const refPkg = loadPackageDefinition(loadSync(reflectionProto.pathname)) as unknown as {
      grpc: {
        reflection: {
          v1: {
            ServerReflection: new (
              a: string,
              c: ReturnType<typeof credentials.createInsecure>,
            ) => { serverReflectionInfo(): NodeJS.ReadWriteStream & { write(m: object): boolean; end(): void }; close(): void };
          };
        };
      };
    };
    const refl = new refPkg.grpc.reflection.v1.ServerReflection(addr, credentials.createInsecure());
    const stream = refl.serverReflectionInfo();
    const names = await new Promise<string[]>((resolve, reject) => {
      stream.on("data", (m: { listServicesResponse?: { service: { name: string }[] } }) =>
        resolve((m.listServicesResponse?.service ?? []).map((s) => s.name)),
      );
      stream.on("error", reject);
      stream.write({ listServices: "" });
    });
    stream.end();
    refl.close();
    expect(names).toEqual(expect.arrayContaining(["meetuphype.v1.TrendingService", "grpc.health.v1.Health"]));
  });
});

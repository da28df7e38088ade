/** A client of TrendingService, for `meetuphype watch` and the tests. */
import { credentials, loadPackageDefinition, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { TrendingServiceClient, type TrendingSnapshot } from "@meetuphype/proto";
import { fromWire } from "./convert.js";
import { quietGrpcLog } from "./grpc-log.js";
import { channelCredentials, type ClientTls } from "./tls.js";
import type { ServedSnapshot } from "./types.js";

export interface Watch {
  /** Stops the stream. */
  cancel(): void;
  /** Resolves when the stream ends; rejects with the gRPC error (a cancel is a normal end). */
  readonly done: Promise<void>;
}

/** A client of TrendingService at `addr`, over TLS when `tls` is given. */
export function trendingClient(addr: string, tls?: ClientTls, o: { keepaliveMs?: number } = {}): TrendingServiceClient {
  quietGrpcLog();
  // With keepalive pings, a server that stalls (SIGSTOP, a dead node) ends the stream within seconds.
  const options =
    o.keepaliveMs === undefined ? {} : { "grpc.keepalive_time_ms": o.keepaliveMs, "grpc.keepalive_timeout_ms": o.keepaliveMs };
  return new TrendingServiceClient(addr, channelCredentials(tls), options);
}

/** Streams snapshots from WatchTrending to `onSnapshot`. */
export function watchTrending(client: TrendingServiceClient, limit: number, onSnapshot: (s: ServedSnapshot) => void): Watch {
  const call = client.watchTrending({ limit });
  const done = new Promise<void>((resolve, reject) => {
    call.on("data", (w: TrendingSnapshot) => onSnapshot(fromWire(w)));
    call.on("end", resolve);
    call.on("error", (err: ServiceError) => (err.code === status.CANCELLED ? resolve() : reject(err)));
  });
  return { cancel: () => call.cancel(), done };
}

export function getTrending(client: TrendingServiceClient, limit: number, deadlineMs = 5000): Promise<ServedSnapshot> {
  return new Promise((resolve, reject) => {
    client.getTrending({ limit }, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, w) =>
      err !== null || w === undefined ? reject(err ?? new Error("empty answer")) : resolve(fromWire(w)),
    );
  });
}

type HealthClient = {
  check(
    req: { service: string },
    md: Metadata,
    o: { deadline: number },
    cb: (e: ServiceError | null, r?: { status: string }) => void,
  ): void;
  close(): void;
};

/** The standard gRPC health status of `service` ("" = the server itself) at `addr`: "SERVING", "NOT_SERVING", ... */
export async function healthStatus(addr: string, service = "", deadlineMs = 3000): Promise<string> {
  const pkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => HealthClient } } };
  };
  const client = new pkg.grpc.health.v1.Health(addr, credentials.createInsecure());
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, new Metadata(), { deadline: Date.now() + deadlineMs }, (e, r) =>
        e !== null || r === undefined ? reject(e ?? new Error("empty answer")) : resolve(r.status),
      ),
    );
  } finally {
    client.close();
  }
}

/** A client of TrendingService, for `meetuphype watch` and the tests. */
import { credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { TrendingServiceClient, type TrendingSnapshot } from "@meetuphype/proto";
import { fromWire } from "./convert.js";
import type { ServedSnapshot } from "./types.js";

export interface Watch {
  /** Stops the stream. */
  cancel(): void;
  /** Resolves when the stream ends; rejects with the gRPC error (a cancel is a normal end). */
  readonly done: Promise<void>;
}

export function trendingClient(addr: string): TrendingServiceClient {
  return new TrendingServiceClient(addr, credentials.createInsecure());
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

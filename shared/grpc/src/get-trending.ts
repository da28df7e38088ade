/** GetTrending: the current ranking. */
import { status, type handleUnaryCall } from "@grpc/grpc-js";
import type { GetTrendingRequest, TrendingSnapshot } from "@meetuphype/proto";
import { toWire } from "./convert.js";
import type { ServedParams, SnapshotSource } from "./types.js";

export function getTrendingHandler(source: SnapshotSource, params: ServedParams): handleUnaryCall<GetTrendingRequest, TrendingSnapshot> {
  return (call, callback) => {
    const s = source.snapshot;
    if (s === undefined) {
      // Never a partial or empty stand-in: the client retries (grpcurl and watch say why).
      callback({ code: status.UNAVAILABLE, details: "no complete ranking yet: the counter shards have not all answered" });
      return;
    }
    callback(null, toWire(s, call.request.limit, params));
  };
}

/** GetTrending: the current ranking. */
import type { handleUnaryCall } from "@grpc/grpc-js";
import type { GetTrendingRequest, TrendingSnapshot } from "@meetuphype/proto";
import { toWire } from "./convert.js";
import type { ServedParams, SnapshotSource } from "./types.js";

export function getTrendingHandler(source: SnapshotSource, params: ServedParams): handleUnaryCall<GetTrendingRequest, TrendingSnapshot> {
  return (call, callback) => {
    callback(null, toWire(source.snapshot, call.request.limit, params));
  };
}

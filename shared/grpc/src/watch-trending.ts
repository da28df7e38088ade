/**
 * WatchTrending: the current ranking at once (once there is one), then each change. A slow client
 * does not queue snapshots: one write at a time is in flight on a stream, and while it is, only
 * the newest pending snapshot is kept, sent once the write is done. (The stream's own buffer
 * would take 16 messages before saying it is full: 2,000 viewers that never read held 2.2 GB.)
 */
import type { handleServerStreamingCall, ServerWritableStream } from "@grpc/grpc-js";
import type { TrendingSnapshot, WatchTrendingRequest } from "@meetuphype/proto";
import { toWire } from "./convert.js";
import type { ServedParams, ServedSnapshot, SnapshotSource } from "./types.js";

type Call = ServerWritableStream<WatchTrendingRequest, TrendingSnapshot>;

export interface Watchers {
  readonly active: Set<Call>;
}

export function watchTrendingHandler(
  source: SnapshotSource,
  params: ServedParams,
  watchers: Watchers,
): handleServerStreamingCall<WatchTrendingRequest, TrendingSnapshot> {
  return (call) => {
    const limit = call.request.limit;
    let pending: ServedSnapshot | undefined;
    let inFlight = false;
    const send = (s: ServedSnapshot): void => {
      if (inFlight) {
        pending = s;
        return;
      }
      inFlight = true;
      call.write(toWire(s, limit, params), () => {
        inFlight = false;
        const p = pending;
        pending = undefined;
        if (p !== undefined) send(p);
      });
    };
    watchers.active.add(call);
    const unsubscribe = source.subscribe(send);
    const done = (): void => {
      unsubscribe();
      watchers.active.delete(call);
    };
    call.on("cancelled", done);
    call.on("close", done);
    call.on("error", done);
    // Before the first complete ranking there is nothing to send: the first one follows when it exists.
    if (source.snapshot !== undefined) send(source.snapshot);
  };
}

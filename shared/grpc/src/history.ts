/** GetTrendingHistory: the ranking's recent past (one point a minute), server and client side. */
import { Metadata, type handleUnaryCall } from "@grpc/grpc-js";
import type { GetTrendingHistoryRequest, TrendingHistory, TrendingServiceClient } from "@meetuphype/proto";
import { keyFromWire, topicToWire } from "./convert.js";
import { historyBucket, historyPointOf, type HistoryPoint, type RankingHistory } from "@meetuphype/core";
import type { ServedSnapshot, SnapshotSource } from "./types.js";

/** Where the server finds the history: the aggregator's (kept in NATS) or `run`'s (in memory). */
export interface HistorySource {
  readonly resolutionMs: number;
  readonly horizonMs: number;
  list(): readonly HistoryPoint[];
}

export interface ServedHistory {
  readonly resolutionMs: number;
  readonly horizonMs: number;
  readonly points: readonly HistoryPoint[];
}

export const historyToWire = (h: ServedHistory): TrendingHistory => ({
  resolutionMs: h.resolutionMs,
  horizonMs: h.horizonMs,
  points: h.points.map((p) => ({
    asOfMs: p.asOfMs,
    topics: p.topics.map((t, i) => topicToWire(i + 1, t)),
  })),
});

export const historyFromWire = (w: TrendingHistory): ServedHistory => ({
  resolutionMs: w.resolutionMs,
  horizonMs: w.horizonMs,
  points: w.points.map((p) => ({ asOfMs: p.asOfMs, topics: p.topics.map((t) => ({ key: keyFromWire(t), name: t.name, score: t.score })) })),
});

export function getTrendingHistoryHandler(source: HistorySource | undefined): handleUnaryCall<GetTrendingHistoryRequest, TrendingHistory> {
  return (_call, callback) => {
    const h = source ?? { resolutionMs: 60_000, horizonMs: 0, list: () => [] };
    callback(null, historyToWire({ resolutionMs: h.resolutionMs, horizonMs: h.horizonMs, points: h.list() }));
  };
}

export function getTrendingHistory(client: TrendingServiceClient, deadlineMs = 5000): Promise<ServedHistory> {
  return new Promise((resolve, reject) => {
    client.getTrendingHistory({}, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, w) =>
      err !== null || w === undefined ? reject(err ?? new Error("empty answer")) : resolve(historyFromWire(w)),
    );
  });
}

/**
 * Keeps `history` up to date with `source`: each exact ranking becomes its minute's point
 * (`historyPointOf`). `onKept` hears of each point kept and the minutes dropped.
 */
export function recordHistory(
  source: SnapshotSource,
  history: RankingHistory,
  onKept?: (bucket: number, p: HistoryPoint, dropped: readonly number[]) => void,
): () => void {
  const record = (s: ServedSnapshot): void => {
    const p = historyPointOf(s);
    if (p === undefined) return;
    const dropped = history.record(p);
    if (dropped !== undefined) onKept?.(historyBucket(p.asOfMs, history.resolutionMs), p, dropped);
  };
  if (source.snapshot !== undefined) record(source.snapshot);
  return source.subscribe(record);
}

/** Conversion between served snapshots and the wire type. */
import type { TrendingSnapshot } from "@meetuphype/proto";
import type { ServedParams, ServedSnapshot } from "./types.js";

/** The wire snapshot, cut to `limit` topics (0 = all the server holds). */
export function toWire(s: ServedSnapshot, limit: number, p: ServedParams): TrendingSnapshot {
  const topic = s.inputTopic ?? "";
  const topics = limit > 0 ? s.topics.slice(0, limit) : s.topics;
  return {
    asOfMs: s.asOfMs,
    stale: s.stale === true,
    catchingUp: s.catchingUp === true,
    pendingMessages: s.recordsBehind ?? 0,
    recordsBehind: s.recordsBehind ?? 0,
    cut: (s.cut ?? []).map((c) => ({ topic, partition: c.partition, nextOffset: c.next })),
    topics: topics.map((t) => ({ rank: t.rank, key: t.key, name: t.name, score: t.score })),
    parameters: {
      topN: p.topN,
      windowDays: p.windowDays,
      decay: p.decay,
      idleMinutes: p.idleMinutes,
      includeEventNames: p.includeEventNames,
      clock: p.clock,
    },
  };
}

export function fromWire(w: TrendingSnapshot): ServedSnapshot {
  return {
    asOfMs: w.asOfMs,
    topics: w.topics.map((t) => ({ rank: t.rank, key: t.key, name: t.name, score: t.score })),
    ...(w.stale ? { stale: true } : {}),
    ...(w.catchingUp ? { catchingUp: true } : {}),
    ...(w.recordsBehind > 0 ? { recordsBehind: w.recordsBehind } : {}),
    ...(w.cut[0] !== undefined
      ? { cut: w.cut.map((c) => ({ partition: c.partition, next: c.nextOffset })), inputTopic: w.cut[0].topic }
      : {}),
  };
}

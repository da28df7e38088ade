/** Conversion between served snapshots and the wire type. */
import { wtf8Decode, wtf8Encode } from "@meetuphype/core";
import type { TrendingSnapshot, TrendingTopic } from "@meetuphype/proto";
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
    topics: topics.map((t) => topicToWire(t.rank, t)),
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
    topics: w.topics.map((t) => ({ rank: t.rank, key: keyFromWire(t), name: t.name, score: t.score })),
    ...(w.stale ? { stale: true } : {}),
    ...(w.catchingUp ? { catchingUp: true } : {}),
    ...(w.recordsBehind > 0 ? { recordsBehind: w.recordsBehind } : {}),
    ...(w.cut[0] !== undefined
      ? { cut: w.cut.map((c) => ({ partition: c.partition, next: c.nextOffset })), inputTopic: w.cut[0].topic }
      : {}),
  };
}

/** A topic on the wire: its key also as WTF-8 bytes, so that keys with lone surrogates stay distinct (trending.proto). */
export function topicToWire(rank: number, t: { readonly key: string; readonly name: string; readonly score: number }): TrendingTopic {
  const b = wtf8Encode(t.key);
  return { rank, key: t.key, name: t.name, score: t.score, keyWtf8: Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
}

/** A wire topic's exact key: from its WTF-8 bytes when the server sent them. */
export const keyFromWire = (t: Pick<TrendingTopic, "key" | "keyWtf8">): string => (t.keyWtf8.length > 0 ? wtf8Decode(t.keyWtf8) : t.key);

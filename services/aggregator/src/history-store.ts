/**
 * The aggregator keeps the ranking's recent past in a NATS KV bucket (one key per
 * minute), so that a restarted aggregator, and every board behind it, serves the same
 * sparklines. Points beyond the horizon are deleted; the bucket's TTL is a safety net.
 */
import type { JetStreamClient, KV } from "nats";
import type { Logger } from "@meetuphype/log";
import { HISTORY_HORIZON_MS, wtf8Decode, wtf8Encode, type HistoryPoint, type RankingHistory } from "@meetuphype/core";
import { HistoryPoint as WirePoint } from "@meetuphype/proto";
import { describe, ensureReplicas, kvStream, replicasFailure, type Names } from "@meetuphype/control-plane";

const keyOf = (bucket: number): string => `m${bucket}`;

export interface HistoryStore {
  /** Stores a point kept by the history, and deletes the minutes that left it. Never throws: a lost point only thins a sparkline. */
  save(bucket: number, p: HistoryPoint, dropped: readonly number[]): Promise<void>;
}

/** Opens (creating) the bucket and loads its points into `history`. */
export async function openHistoryStore(
  js: JetStreamClient,
  n: Names,
  history: RankingHistory,
  logger: Logger,
  replicas = 1,
): Promise<HistoryStore> {
  const kv: KV = await js.views.kv(n.historyBucket, { history: 1, ttl: HISTORY_HORIZON_MS + 3_600_000, replicas }).catch((err: unknown) => {
    throw replicasFailure(`KV bucket ${n.historyBucket}`, replicas, err);
  });
  await ensureReplicas(await js.jetstreamManager(), kvStream(n.historyBucket), replicas, `KV bucket ${n.historyBucket}`);
  let loaded = 0;
  // The keys first, then the values: reading values while the keys' iterator is open ends it early.
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  for (const key of keys) {
    const e = await kv.get(key);
    if (e === null || e.value.length === 0) continue;
    try {
      const w = WirePoint.decode(e.value);
      const topics = w.topics.map((t) => ({ key: t.keyWtf8.length > 0 ? wtf8Decode(t.keyWtf8) : t.key, name: t.name, score: t.score }));
      history.record({ asOfMs: w.asOfMs, topics });
      loaded++;
    } catch (err) {
      logger.warn("an unreadable history point is skipped", { key, err: describe(err) });
    }
  }
  if (loaded > 0) logger.info("history loaded", { points: history.size });
  return {
    save: async (bucket, p, dropped) => {
      try {
        // The key's WTF-8 bytes too: a key with a lone surrogate comes back as itself.
        const topics = p.topics.map((t, i) => ({
          rank: i + 1,
          key: t.key,
          name: t.name,
          score: t.score,
          keyWtf8: Buffer.from(wtf8Encode(t.key)),
        }));
        await kv.put(keyOf(bucket), WirePoint.encode({ asOfMs: p.asOfMs, topics }).finish());
        for (const b of dropped) await kv.delete(keyOf(b));
      } catch (err) {
        logger.warn("a history point was not saved (the sparklines of a restarted aggregator miss it)", { err: describe(err) });
      }
    },
  };
}

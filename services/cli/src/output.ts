/** The JSON shapes the command line prints. */
import type { Snapshot, PipelineStats } from "@meetuphype/pipeline";

export interface SnapshotJson {
  asOfMs: number;
  /** The input the ranking covers: per partition, the first offset it does not include. */
  cut: { topic: string; partition: number; nextOffset: number }[];
  topics: { rank: number; key: string; name: string; score: number }[];
  stats?: PipelineStats;
}

export function snapshotJson(s: Snapshot, stats?: PipelineStats): SnapshotJson {
  const out: SnapshotJson = {
    asOfMs: s.asOfMs,
    cut: (s.cut ?? []).map((c) => ({ topic: s.inputTopic ?? "", partition: c.partition, nextOffset: c.next })),
    topics: s.topics.map((t) => ({ rank: t.rank, key: t.key, name: t.name, score: t.score })),
  };
  if (stats !== undefined) out.stats = stats;
  return out;
}

/** The JSON shapes the command line prints. */
import type { Snapshot, PipelineStats } from "@meetuphype/pipeline";

export interface SnapshotJson {
  asOfMs: number;
  topics: { rank: number; key: string; name: string; score: number }[];
  stats?: PipelineStats;
}

export function snapshotJson(s: Snapshot, stats?: PipelineStats): SnapshotJson {
  const out: SnapshotJson = { asOfMs: s.asOfMs, topics: s.topics.map((t) => ({ rank: t.rank, key: t.key, name: t.name, score: t.score })) };
  if (stats !== undefined) out.stats = stats;
  return out;
}

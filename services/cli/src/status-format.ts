/** The text form of `meetuphype status`: short tables an operator reads at a glance. Pure. */
import type { ClusterStatus, ShardStatus } from "./cluster-status.js";

export interface IngestLag {
  readonly topic: string;
  readonly groupId: string;
  readonly members: number;
  readonly partitions: readonly { partition: number; end: number; committed: number; lag: number }[];
}

const secs = (ms: number | undefined): string => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
const iso = (ms: number | undefined): string => (ms === undefined ? "-" : new Date(ms).toISOString());

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Consecutive shards with one owner, as "0-7". */
function ranges(shards: readonly ShardStatus[]): string {
  const out: string[] = [];
  let start: number | undefined;
  let prev = -2;
  for (const s of shards.map((x) => x.shard)) {
    if (s !== prev + 1) {
      if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
      start = s;
    }
    prev = s;
  }
  if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
  return out.join(",");
}

export function formatStatus(s: ClusterStatus, ingest: IngestLag | undefined): string {
  const parts: string[] = [`pipeline "${s.prefix}" at ${iso(s.at)}`];
  parts.push(
    table([
      ["REPLICA", "KIND", "SHARDS", "OWNS", "LEAVING", "HEALTH AND METRICS"],
      ...s.replicas.map((r) => [
        r.id,
        r.kind,
        String(r.shardsOwned),
        ranges(s.shards.filter((x) => x.kind === r.kind && x.owner === r.id)),
        r.leaving ? "yes" : "",
        r.health === undefined ? "-" : `http://${r.health}/metrics`,
      ]),
    ]),
  );
  parts.push(
    table([
      ["SHARD", "OWNER", "EPOCH", "PENDING", "REPORTED", "SNAPSHOT AGE"],
      ...s.shards.map((x) => [
        `${x.kind}.${x.shard}`,
        x.owner ?? "(none)",
        String(x.epoch),
        x.pending === undefined ? "-" : String(x.pending),
        secs(x.reportAgeMs),
        secs(x.snapshotAgeMs),
      ]),
    ]),
  );
  if (ingest !== undefined)
    parts.push(
      `ingest: group ${ingest.groupId}, ${ingest.members} member(s), topic ${ingest.topic}\n` +
        table([
          ["PARTITION", "END", "COMMITTED", "LAG"],
          ...ingest.partitions.map((p) => [String(p.partition), String(p.end), String(p.committed), String(p.lag)]),
        ]),
    );
  const clocks = Object.entries(s.ingestClocks);
  if (clocks.length > 0) parts.push(`ingest clocks: ${clocks.map(([id, t]) => `${id} ${iso(t)}`).join(", ")}`);
  parts.push(
    s.aggregators.length === 0
      ? "aggregator: none live"
      : s.aggregators
          .map(
            (a) =>
              `aggregator ${a.id}: last ranking ${secs(a.lastRankingAt === undefined ? undefined : s.at - a.lastRankingAt)} ago, as of ${iso(a.asOfMs)}${a.catchingUp ? ", catching up" : ""}${a.stale ? ", stale" : ""}${a.health === undefined ? "" : `; health and metrics at http://${a.health}/`}`,
          )
          .join("\n"),
  );
  parts.push(s.problems.length === 0 ? "ok: no problems" : `problems:\n${s.problems.map((p) => `  - ${p}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}

/**
 * `meetuphype status`: the state of a distributed pipeline as NATS holds it —
 * live replicas, the owner of every shard, what waits in each shard, snapshot
 * ages, the aggregator's last ranking — assembled by a pure function from the
 * raw bucket entries, so that it is tested without brokers. Read-only: it never
 * writes to a bucket.
 */
import type { NatsConnection } from "nats";
import {
  decodeAggregatorBeat,
  decodeIngestClock,
  decodeLease,
  decodeMember,
  decodeProgress,
  leaseKey,
  parseMemberKey,
  progressKey,
  type Names,
} from "@meetuphype/control-plane";
import { PENDING_SLACK, PROGRESS_SILENT_MS } from "@meetuphype/shard-runtime";

/** One KV entry as read: its value's bytes and when it was written. */
export interface RawEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly at: number;
}

export interface RawStatus {
  readonly members: readonly RawEntry[];
  readonly shards: readonly RawEntry[];
  readonly progress: readonly RawEntry[];
  readonly clock: readonly RawEntry[];
  /** Shard snapshots in the object store: name (`<kind>-<shard>`) and when they were saved. */
  readonly snapshots: readonly { readonly name: string; readonly at: number }[];
}

export interface ReplicaStatus {
  readonly kind: string;
  readonly id: string;
  readonly leaving: boolean;
  readonly shardsOwned: number;
  /** Its health, readiness and metrics listener (`host:port`), as it says. */
  readonly health: string | undefined;
}

export interface ShardStatus {
  readonly kind: string;
  readonly shard: number;
  readonly owner: string | null;
  readonly epoch: number;
  /** Messages in the shard's stream not yet handled, as its owner last reported. */
  readonly pending: number | undefined;
  readonly clockMs: number | undefined;
  readonly reportAgeMs: number | undefined;
  readonly snapshotAgeMs: number | undefined;
}

export interface AggregatorStatus {
  readonly id: string;
  readonly lastRankingAt: number | undefined;
  readonly asOfMs: number | undefined;
  readonly catchingUp: boolean;
  readonly stale: boolean;
  readonly health: string | undefined;
}

export interface ClusterStatus {
  readonly prefix: string;
  readonly at: number;
  readonly replicas: readonly ReplicaStatus[];
  readonly shards: readonly ShardStatus[];
  readonly aggregators: readonly AggregatorStatus[];
  /** Each ingest replica's event clock (largest valid mtime forwarded). */
  readonly ingestClocks: Readonly<Record<string, number>>;
  /** What an operator should look at, in words; empty when all is well. */
  readonly problems: readonly string[];
}

export interface ShardCounts {
  readonly dedup: number;
  readonly counter: number;
}

const SHARD_KINDS = ["dedup", "counter"] as const;

/** The status, from the raw entries. Pure. */
export function assembleStatus(prefix: string, raw: RawStatus, counts: ShardCounts, now: number): ClusterStatus {
  const members = raw.members.flatMap((m) => {
    const k = parseMemberKey(m.key);
    return k === undefined ? [] : [{ ...k, entry: m }];
  });
  const leaving = new Set(members.flatMap((m) => (m.role === "leaving" ? [`${m.kind}.${m.replica}`] : [])));
  const lease = new Map(raw.shards.map((e) => [e.key, decodeLease(e.value)]));
  const progress = new Map(raw.progress.map((e) => [e.key, { report: decodeProgress(e.value), at: e.at }]));
  const snaps = new Map(raw.snapshots.map((s) => [s.name, s.at]));
  const problems: string[] = [];
  const shards: ShardStatus[] = [];
  for (const kind of SHARD_KINDS) {
    const unowned: number[] = [];
    const behind: number[] = [];
    for (let shard = 0; shard < counts[kind]; shard++) {
      const l = lease.get(leaseKey(kind, shard)) ?? { owner: null, epoch: 0 };
      const p = progress.get(progressKey(kind, shard));
      const pending = p?.report?.pending;
      const snapAt = snaps.get(`${kind}-${shard}`);
      shards.push({
        kind,
        shard,
        owner: l.owner,
        epoch: l.epoch,
        pending,
        clockMs: p?.report?.clock,
        reportAgeMs: p === undefined ? undefined : now - p.at,
        snapshotAgeMs: snapAt === undefined ? undefined : now - snapAt,
      });
      if (l.owner === null) unowned.push(shard);
      else if (p === undefined || now - p.at > PROGRESS_SILENT_MS || (pending ?? 0) > PENDING_SLACK) behind.push(shard);
    }
    if (unowned.length > 0) problems.push(`${kind} shards without an owner: ${unowned.join(",")}`);
    if (behind.length > 0) problems.push(`${kind} shards behind or silent: ${behind.join(",")}`);
  }
  const replicas: ReplicaStatus[] = members
    .flatMap((m) => (m.role === "member" ? [m] : []))
    .map((m) => ({
      kind: m.kind,
      id: m.replica,
      leaving: leaving.has(`${m.kind}.${m.replica}`),
      shardsOwned: shards.filter((s) => s.kind === m.kind && s.owner === m.replica).length,
      health: decodeMember(m.entry.value).health,
    }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  for (const kind of SHARD_KINDS) if (!replicas.some((r) => r.kind === kind)) problems.push(`no live ${kind} replica`);
  const aggregators: AggregatorStatus[] = members
    .flatMap((m) => (m.role === "aggregator" ? [m] : []))
    .map((m) => {
      const b = decodeAggregatorBeat(m.entry.value);
      return {
        id: m.replica,
        lastRankingAt: b.lastRankingAt,
        asOfMs: b.asOfMs,
        catchingUp: b.catchingUp,
        stale: b.stale,
        health: b.health,
      };
    });
  if (aggregators.length === 0) problems.push("no live aggregator");
  const ingestClocks: Record<string, number> = {};
  for (const e of raw.clock) {
    const v = decodeIngestClock(e.value);
    if (e.key.startsWith("ingest.") && v !== undefined) ingestClocks[e.key.slice("ingest.".length)] = v;
  }
  return { prefix, at: now, replicas, shards, aggregators, ingestClocks, problems };
}

async function entries(nc: NatsConnection, bucket: string): Promise<RawEntry[]> {
  const kv = await nc.jetstream().views.kv(bucket, { bindOnly: true });
  // The keys first, whole: reading entries while the key listing runs cuts the listing short.
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  const out: RawEntry[] = [];
  for (const e of await Promise.all(keys.map((k) => kv.get(k))))
    if (e !== null && e.operation === "PUT") out.push({ key: e.key, value: e.value, at: e.created.getTime() });
  return out;
}

/** Reads the buckets and the snapshot store of the pipeline named by `n` (they must exist). */
export async function readRawStatus(nc: NatsConnection, n: Names): Promise<RawStatus> {
  const [members, shards, progress, clock, snapshots] = await Promise.all([
    entries(nc, n.membersBucket),
    entries(nc, n.shardsBucket),
    entries(nc, n.progressBucket),
    entries(nc, n.clockBucket),
    nc
      .jetstream()
      .views.os(n.snapshotStore)
      .then((os) => os.list())
      .then((list) => list.map((i) => ({ name: i.name, at: Date.parse(i.mtime) }))),
  ]);
  return { members, shards, progress, clock, snapshots };
}

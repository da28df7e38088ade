/**
 * The NATS control plane's keys and values, in one place: what each bucket holds,
 * how its keys are built and parsed, and how its values are encoded (JSON, so that
 * `nats kv get` shows them). The services, `meetuphype status` and the tests use
 * these and nothing else. The buckets themselves are named in names.ts and created
 * in setup.ts. Pure.
 *
 * | bucket        | key                              | value                                   |
 * | ------------- | -------------------------------- | --------------------------------------- |
 * | `<p>_members` | `<kind>.<replica>`               | `MemberInfo` (expires: bucket TTL)      |
 * |               | `leaving.<kind>.<replica>`       | `MemberInfo`                            |
 * |               | `aggregator.<replica>`           | `AggregatorBeat`                        |
 * | `<p>_shards`  | `<kind>.<shard>`                 | `Lease` (compare-and-set only)          |
 * | `<p>_progress`| `<kind>.<shard>`                 | `ShardProgressReport`                   |
 * | `<p>_clock`   | `partition.<p>`                  | `PartitionClock` (partition-clocks.ts)  |
 * |               | `ingest.<replica>`               | a number: that replica's event clock    |
 * |               | `cut`                            | the latest cut the aggregator asked for |
 * | `<p>_history` | `m<minute>`                      | protobuf `HistoryPoint` (history-store) |
 */
import type { Mark, Marks } from "@meetuphype/core";
import type { ShardKind } from "./names.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A JSON value as bytes. */
export const jsonBytes = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));

/** Bytes as a JSON object; an empty object for anything else (a value that is not ours). */
export function jsonObject(b: Uint8Array | undefined): Record<string, unknown> {
  if (b === undefined || b.length === 0) return {};
  try {
    const v = JSON.parse(dec.decode(b)) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

// ---- members ----------------------------------------------------------------------------

/** What a replica says of itself in its member entry. */
export interface MemberInfo {
  /** Where its health, readiness and metrics listener is (`host:port`). */
  readonly health?: string;
}

export const memberKey = (kind: ShardKind, replica: string): string => `${kind}.${replica}`;
export const leavingKey = (kind: ShardKind, replica: string): string => `leaving.${kind}.${replica}`;
export const aggregatorKey = (replica: string): string => `aggregator.${replica}`;
/** The key prefixes that list a kind's members, and its leaving ones. */
export const memberPrefix = (kind: ShardKind): string => `${kind}.`;
export const leavingPrefix = (kind: ShardKind): string => `leaving.${kind}.`;

export const encodeMember = (m: MemberInfo): Uint8Array => jsonBytes(m);
export function decodeMember(b: Uint8Array | undefined): MemberInfo {
  const health = text(jsonObject(b).health);
  return health === undefined ? {} : { health };
}

/** A members-bucket key, parsed; undefined for a key that is not one of ours. */
export type MemberEntry =
  | { readonly role: "member" | "leaving"; readonly kind: ShardKind; readonly replica: string }
  | { readonly role: "aggregator"; readonly replica: string };

export function parseMemberKey(key: string): MemberEntry | undefined {
  const leaving = key.startsWith("leaving.");
  const rest = leaving ? key.slice("leaving.".length) : key;
  const dot = rest.indexOf(".");
  if (dot < 0) return undefined;
  const head = rest.slice(0, dot);
  const replica = rest.slice(dot + 1);
  if (!leaving && head === "aggregator") return { role: "aggregator", replica };
  if (head !== "dedup" && head !== "counter") return undefined;
  return { role: leaving ? "leaving" : "member", kind: head, replica };
}

/** The aggregator's sign of life for `meetuphype status`: its last ranking. */
export interface AggregatorBeat {
  readonly lastRankingAt?: number;
  readonly asOfMs?: number;
  readonly catchingUp: boolean;
  readonly stale: boolean;
  /** Where its health, readiness and metrics listener is (`host:port`). */
  readonly health?: string;
}

export const encodeAggregatorBeat = (b: AggregatorBeat): Uint8Array => jsonBytes(b);
export function decodeAggregatorBeat(b: Uint8Array | undefined): AggregatorBeat {
  const v = jsonObject(b);
  const lastRankingAt = num(v.lastRankingAt);
  const asOfMs = num(v.asOfMs);
  const health = text(v.health);
  return {
    ...(lastRankingAt === undefined ? {} : { lastRankingAt }),
    ...(asOfMs === undefined ? {} : { asOfMs }),
    catchingUp: v.catchingUp === true,
    stale: v.stale === true,
    ...(health === undefined ? {} : { health }),
  };
}

// ---- leases -----------------------------------------------------------------------------

/** The lease of one shard: its owner (null: free) and the epoch of the latest claim. */
export interface Lease {
  readonly owner: string | null;
  readonly epoch: number;
}

export const leaseKey = (kind: ShardKind, shard: number): string => `${kind}.${shard}`;
export const encodeLease = (l: Lease): Uint8Array => jsonBytes({ owner: l.owner, epoch: l.epoch });
export function decodeLease(b: Uint8Array | undefined): Lease {
  const v = jsonObject(b);
  return { owner: text(v.owner) ?? null, epoch: num(v.epoch) ?? 0 };
}

// ---- progress ---------------------------------------------------------------------------

/** A shard's progress, reported each second by its owner (for `meetuphype status`). */
export interface ShardProgressReport {
  /** The trending clock of the last message it handled. */
  readonly clock: number;
  /** Messages of its stream waiting behind that one. */
  readonly pending: number;
}

export const progressKey = leaseKey;
export const encodeProgress = (p: ShardProgressReport): Uint8Array => jsonBytes({ clock: p.clock, pending: p.pending });
export function decodeProgress(b: Uint8Array | undefined): ShardProgressReport | undefined {
  const v = jsonObject(b);
  const clock = num(v.clock);
  const pending = num(v.pending);
  return clock === undefined || pending === undefined ? undefined : { clock, pending };
}

// ---- clocks -----------------------------------------------------------------------------

/** A partition's event clock where ingest has forwarded it to (partition-clocks.ts). */
export const partitionClockKey = (partition: number): string => `partition.${partition}`;
export const encodePartitionClock = (m: Mark): Uint8Array => jsonBytes({ next: m.next, clock: m.clock });
export function decodePartitionClock(partition: number, b: Uint8Array | undefined): Mark | undefined {
  const v = jsonObject(b);
  const next = num(v.next);
  const clock = num(v.clock);
  return next === undefined || clock === undefined ? undefined : { partition, next, clock };
}

export const ingestClockKey = (replica: string): string => `ingest.${replica}`;
export const encodeIngestClock = (ms: number): Uint8Array => enc.encode(String(ms));
export function decodeIngestClock(b: Uint8Array | undefined): number | undefined {
  if (b === undefined) return undefined;
  const v = Number(dec.decode(b));
  return Number.isSafeInteger(v) ? v : undefined;
}

/** The latest cut the aggregator asked to rank: a restarted aggregator goes on from it, never behind. */
export const askedCutKey = "cut";
export const encodeCut = (cut: Marks): Uint8Array => jsonBytes(cut.map((m) => [m.partition, m.next, m.clock]));
export function decodeCut(b: Uint8Array | undefined): Marks {
  if (b === undefined || b.length === 0) return [];
  try {
    const v = JSON.parse(dec.decode(b)) as unknown;
    if (!Array.isArray(v)) return [];
    return v.flatMap((x: unknown) =>
      Array.isArray(x) && x.length === 3 && x.every((n) => typeof n === "number" && Number.isSafeInteger(n))
        ? [{ partition: x[0] as number, next: x[1] as number, clock: x[2] as number }]
        : [],
    );
  } catch {
    return [];
  }
}

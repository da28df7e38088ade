/**
 * The parts of a shard replica's life that are decisions, not wiring (shard-service.ts does the
 * wiring): what /readyz answers, which per-shard gauges carry values, when the owned set is worth
 * a log line, and how a SIGTERM hand-over ends within its deadline. Each is tested without brokers.
 */
import type { Logger } from "@meetuphype/log";
import type { Metrics, Readiness } from "@meetuphype/metrics";
import type { ShardKind } from "@meetuphype/control-plane";

/** What readiness and the beat read of a replica's ownership. */
export interface AssignmentView {
  readonly ready: boolean;
  ownedShards(): number[];
  desiredShards(): readonly number[];
  /** Hands every shard over and leaves the member list. */
  leave(): Promise<void>;
}

/**
 * /readyz of a shard replica: not ready while NATS is awaited (`natsDown` is then the missing
 * connection), while NATS is unhealthy, or until the replica runs exactly the shards assigned to it.
 */
export function shardReadiness(replica: string, natsDown: string | undefined, ownership: AssignmentView | undefined): Readiness {
  if (ownership === undefined)
    return { ready: false, reason: natsDown ?? "setting up its NATS streams, buckets and membership", detail: { replica } };
  const reason =
    natsDown ??
    (ownership.ready
      ? undefined
      : `assignment not converged: owns [${ownership.ownedShards().join(",")}], should own [${ownership.desiredShards().join(",")}]`);
  return { ready: reason === undefined, reason, detail: { replica, shards: ownership.ownedShards() } };
}

/** Remembers the owned set, so that a replica logs one line when it changes, not one per beat. */
export class OwnedSet {
  private last: string | undefined;

  /** The list as a log field when it differs from the last one seen, else undefined. */
  changed(owned: readonly number[]): string | undefined {
    const now = owned.length === 0 ? "none" : owned.join(",");
    if (now === this.last) return undefined;
    this.last = now;
    return now;
  }
}

/** The per-shard gauges of this replica: only the shards it owns carry values. */
export function updateShardGauges(
  m: Metrics,
  kind: ShardKind,
  shards: number,
  owned: readonly number[],
  savedAt: (shard: number) => number | undefined,
  now: number,
): void {
  m.shardsOwned.set({ kind }, owned.length);
  const mine = new Set(owned);
  for (let s = 0; s < shards; s++) {
    const labels = { kind, shard: String(s) };
    const saved = savedAt(s);
    if (!mine.has(s)) {
      m.shardPending.remove(labels);
      m.snapshotAge.remove(labels);
    } else if (saved !== undefined) m.snapshotAge.set(labels, (now - saved) / 1000);
  }
}

/**
 * SIGTERM: hands every shard over within `deadlineMs`. Past it, every shard is abandoned (it
 * will be taken over from its last periodic snapshot) and the answer is "late".
 */
export async function leaveWithin(
  ownership: AssignmentView,
  abandonAll: () => void,
  deadlineMs: number,
  log: Logger,
): Promise<"done" | "late"> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), deadlineMs)));
  const left = await Promise.race([ownership.leave().then(() => "done" as const), deadline]);
  clearTimeout(timer);
  if (left === "late") {
    abandonAll();
    log.error("hand-over did not finish before the stop deadline; exiting without it", {
      deadlineMs,
      owned: ownership.ownedShards(),
    });
  }
  return left;
}

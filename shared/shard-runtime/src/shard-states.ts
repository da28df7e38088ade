/**
 * What one replica knows of each shard of its kind, as one value per shard (ownership.ts keeps
 * them in one map): it watches another replica's lease, or it holds the shard's lease while the
 * shard starts, runs or is handed over. A shard with no state is neither held nor watched.
 * The rules that read these states are here, pure, beside them.
 */

/** A lease this replica holds: the entry's revision after its last write, and when that write was sent. */
export interface HeldLease {
  rev: number;
  readonly epoch: number;
  /** When the last successful write of the lease was sent (the conservative start of its validity). */
  renewedAt: number;
}

export type ShardState =
  /** Another replica's lease, seen unchanged at revision `rev` since `since` (local time). */
  | { readonly phase: "watching"; readonly rev: number; readonly since: number }
  /** Claimed; the runner is loading the shard's snapshot. */
  | { readonly phase: "starting"; readonly lease: HeldLease }
  /** Consuming and acting under its lease. */
  | { readonly phase: "running"; readonly lease: HeldLease }
  /** Being handed over: drained and snapshotted under its lease (still renewed), then freed. */
  | { readonly phase: "handing-over"; readonly lease: HeldLease };

export type Holding = Extract<ShardState, { readonly lease: HeldLease }>;

export const isHolding = (s: ShardState | undefined): s is Holding => s !== undefined && s.phase !== "watching";

/** Whether a lease last renewed at `renewedAt` still lets its holder act at `now`: it stops `marginMs` before it could be taken. */
export const mayAct = (lease: HeldLease, now: number, ttlMs: number, marginMs: number): boolean => now - lease.renewedAt < ttlMs - marginMs;

/**
 * Seeing another replica's lease entry at revision `rev`: the watching state to keep, or "take"
 * once the entry has not changed for a whole TTL as seen from here (its owner crashed or
 * stalled). The wait starts anew whenever the revision moves.
 */
export function watchOrTake(prev: ShardState | undefined, rev: number, now: number, ttlMs: number): ShardState | "take" {
  if (prev?.phase !== "watching" || prev.rev !== rev) return { phase: "watching", rev, since: now };
  return now - prev.since < ttlMs ? prev : "take";
}

/** Converged: not leaving, and running exactly the desired shards, none starting or being handed over. */
export function converged(states: ReadonlyMap<number, ShardState>, desired: readonly number[], leaving: boolean): boolean {
  if (leaving) return false;
  let holding = 0;
  for (const s of states.values()) {
    if (s.phase === "watching") continue;
    if (s.phase !== "running") return false;
    holding++;
  }
  return holding === desired.length && desired.every((shard) => states.get(shard)?.phase === "running");
}

/**
 * The lease entries of one kind of shard in the KV bucket: reading one, and the three
 * compare-and-set writes of the protocol (take, renew, free). Each operation is bounded by a
 * timeout. It holds no state: what this replica holds is ownership.ts's.
 */
import { decodeLease, encodeLease, type Lease, leaseKey, type LeaseKv, type ShardKind } from "@meetuphype/control-plane";
import { OperationTimeoutError, type Timers } from "./ownership-types.js";

/** A shard's lease entry as read: its revision (compare-and-set is against it) and its lease. */
export interface LeaseEntry {
  readonly revision: number;
  readonly lease: Lease;
}

/** `p`, or an OperationTimeoutError after `ms`; the timer goes as soon as either settles. */
export async function withTimeout<T>(timers: Timers, ms: number, what: string, p: Promise<T>): Promise<T> {
  const settled = new AbortController();
  try {
    return await Promise.race([
      p,
      timers.sleep(ms, settled.signal).then(() => {
        throw new OperationTimeoutError(what, ms);
      }),
    ]);
  } finally {
    settled.abort();
  }
}

export class LeaseKeeper {
  constructor(
    private readonly kv: LeaseKv,
    private readonly kind: ShardKind,
    /** This replica: the owner it writes. */
    private readonly owner: string,
    private readonly timers: Timers,
    private readonly timeoutMs: number,
  ) {}

  /** The shard's entry, or null when it has none. */
  async read(shard: number): Promise<LeaseEntry | null> {
    const e = await this.timed(`reading the lease of shard ${shard}`, this.kv.get(leaseKey(this.kind, shard)));
    return e === null ? null : { revision: e.revision, lease: decodeLease(e.value) };
  }

  /** Claims the shard at `epoch` over the entry read at `revision` (null: no entry yet). Resolves with the new revision. */
  take(shard: number, epoch: number, revision: number | null): Promise<number> {
    const key = leaseKey(this.kind, shard);
    const value = encodeLease({ owner: this.owner, epoch });
    return this.timed(`claiming shard ${shard}`, revision === null ? this.kv.create(key, value) : this.kv.update(key, value, revision));
  }

  /** Writes the lease again, unchanged, if the entry is still at `revision`. */
  renew(shard: number, epoch: number, revision: number): Promise<number> {
    const value = encodeLease({ owner: this.owner, epoch });
    return this.timed(`renewing the lease of shard ${shard}`, this.kv.update(leaseKey(this.kind, shard), value, revision));
  }

  /** Frees the entry (no owner, the epoch kept for the next claim) if it is still at `revision`. */
  free(shard: number, epoch: number, revision: number): Promise<number> {
    const value = encodeLease({ owner: null, epoch });
    return this.timed(`freeing shard ${shard}`, this.kv.update(leaseKey(this.kind, shard), value, revision));
  }

  /** Any other control-plane call of the protocol, under the same timeout. */
  timed<T>(what: string, p: Promise<T>): Promise<T> {
    return withTimeout(this.timers, this.timeoutMs, what, p);
  }
}

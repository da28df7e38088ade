/**
 * Shard ownership for one replica: exclusive, live and fenced. The protocol is
 * written down in docs/architecture.md ("Shard ownership"); in short:
 *
 * - A shard's owner holds a lease, the KV entry `<kind>.<shard>` = {owner, epoch},
 *   renewed by compare-and-set every tick. Each new owner takes the next epoch.
 * - A replica acts for a shard (publishes, snapshots) only while its last
 *   successful renewal is younger than the TTL minus a margin (`lease.valid()`),
 *   and stops at once (abandons the shard) when it is not, or when a renewal
 *   finds the entry changed.
 * - A shard is claimed when it is free, or when its entry has not changed for a
 *   whole TTL as seen by the claimant (the owner crashed or stalled): a crash is
 *   detected by lease expiry only. The taker's wait is never shorter than the
 *   time the old owner goes on acting, so two replicas never act for one shard.
 * - Which replica should own which shard is rendezvous hashing over the listed,
 *   not leaving, replicas. A shard moves by hand-over: its owner drains it,
 *   saves a snapshot and frees the entry (still holding the lease meanwhile).
 *
 * This file is the reconciler: one map of shard states (shard-states.ts: watching, starting,
 * running, handing over) and the passes that move them. The lease entries are read and written
 * by `LeaseKeeper` (lease-keeper.ts); a shard's operations run one at a time (`SerialByKey`).
 * The class holds no timers: `tick()` is called every second by the service (or by the
 * simulation test, on a fake clock).
 */
import type { Logger } from "@meetuphype/log";
import { shardsOf } from "./assignment.js";
import { CasConflictError, describe, type LeaseKv, type Member, type Membership, type ShardKind } from "@meetuphype/control-plane";
import { LeaseKeeper, withTimeout } from "./lease-keeper.js";
import { realTimers, type ShardLease, type ShardRunner, type Timers } from "./ownership-types.js";
import { SerialByKey } from "./serial-by-key.js";
import { converged, isHolding, mayAct, watchOrTake, type HeldLease, type Holding, type ShardState } from "./shard-states.js";

export interface OwnershipOptions {
  readonly kv: LeaseKv;
  readonly membership: Membership;
  readonly kind: ShardKind;
  readonly shards: number;
  readonly runner: ShardRunner;
  readonly logger: Logger;
  readonly timers?: Timers;
  /** A lease not renewed for this long may be taken. @default 6000 */
  readonly leaseTtlMs?: number;
  /** An owner stops acting this long before its lease could be taken. @default 2000 */
  readonly fenceMarginMs?: number;
  /** A KV operation that has not answered after this long counts as failed. @default 2000 */
  readonly opTimeoutMs?: number;
  /**
   * A hand-over (drain, snapshot) not done after this long is given up: the shard is abandoned and
   * its next owner takes it when the lease expires, from its last periodic snapshot. @default 10000
   */
  readonly handOverTimeoutMs?: number;
  /** A reconcile pass slower than this is logged. @default 5000 */
  readonly slowPassMs?: number;
  /** Told how long each completed hand-over took (ms). */
  readonly onHandover?: (ms: number) => void;
}

export class ShardOwnership {
  /** Every shard this replica holds or watches, and in which phase. */
  private readonly states = new Map<number, ShardState>();
  private readonly serial = new SerialByKey<number>();
  private readonly leases: LeaseKeeper;
  private desired: number[] = [];
  private view: Member[] = [];
  private leavingNow = false;
  /** The reconcile pass under way: one at a time. */
  private pass: Promise<void> | undefined;
  /** A tick under way: a slow tick is not overlapped, the next one is skipped. */
  private ticking = false;
  private readonly t: Timers;
  private readonly ttl: number;
  private readonly margin: number;

  constructor(private readonly o: OwnershipOptions) {
    this.t = o.timers ?? realTimers;
    this.ttl = o.leaseTtlMs ?? 6000;
    this.margin = o.fenceMarginMs ?? 2000;
    this.leases = new LeaseKeeper(o.kv, o.kind, o.membership.id, this.t, o.opTimeoutMs ?? 2000);
  }

  get id(): string {
    return this.o.membership.id;
  }

  /** Runs every shard it should, and no other: the assignment has converged for this replica. */
  get ready(): boolean {
    return converged(this.states, this.desired, this.leavingNow);
  }

  ownedShards(): number[] {
    return [...this.states]
      .filter(([, s]) => isHolding(s))
      .map(([shard]) => shard)
      .sort((a, b) => a - b);
  }

  /** The shards this replica should own, as of the last reconcile pass. */
  desiredShards(): readonly number[] {
    return this.desired;
  }

  /** Whether this replica may act for `shard` right now. */
  leaseValid(shard: number): boolean {
    const s = this.holding(shard);
    return s !== undefined && mayAct(s.lease, this.t.now(), this.ttl, this.margin);
  }

  /** One beat: heartbeat, renew every lease, fence the expiring ones, start a reconcile pass if none runs. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await Promise.all([
        this.leases
          .timed("heartbeat", this.o.membership.beat())
          .catch((err: unknown) => this.o.logger.warn("heartbeat failed; will retry", { err: describe(err) })),
        ...this.ownedShards().map((s) => this.renew(s)),
      ]);
      this.fence();
      this.pass ??= this.reconcile().finally(() => (this.pass = undefined));
    } finally {
      this.ticking = false;
    }
  }

  /** Hands every shard over and leaves the member list. Keep calling `tick()` meanwhile (the leases must hold). */
  async leave(): Promise<void> {
    this.leavingNow = true;
    await this.leases
      .timed("marking the replica as leaving", this.o.membership.startLeaving())
      .catch((err: unknown) => this.o.logger.warn("could not mark the replica as leaving; handing over anyway", { err: describe(err) }));
    while (this.ownedShards().length > 0) {
      await (this.pass ?? (this.pass = this.reconcile().finally(() => (this.pass = undefined))));
    }
    await this.leases.timed("leaving the member list", this.o.membership.remove()).catch(() => undefined);
  }

  private holding(shard: number): Holding | undefined {
    const s = this.states.get(shard);
    return isHolding(s) ? s : undefined;
  }

  /** Whether the shard is still held at `epoch` (not lost, and not claimed anew since). */
  private holdsEpoch(shard: number, epoch: number): boolean {
    return this.holding(shard)?.lease.epoch === epoch;
  }

  private renew(shard: number): Promise<void> {
    return this.serial.run(shard, async () => {
      const s = this.holding(shard);
      if (s === undefined) return;
      // A lease that lapsed stays lapsed, even if nobody took it meanwhile (a stalled replica, a lone
      // one): its shard refused effects then and no longer trusts its state, so it is claimed anew.
      if (!this.leaseValid(shard)) return this.lose(shard, "its lease lapsed before it was renewed");
      const { lease } = s;
      const sentAt = this.t.now();
      try {
        const rev = await this.leases.renew(shard, lease.epoch, lease.rev);
        if (!this.leaseValid(shard)) return this.lose(shard, "its lease lapsed while it was renewed");
        lease.rev = rev;
        lease.renewedAt = sentAt;
      } catch (err) {
        if (err instanceof CasConflictError) this.lose(shard, "its lease entry changed: another replica took it");
        else this.o.logger.warn("lease renewal failed; will retry", { kind: this.o.kind, shard, err: describe(err) });
      }
    });
  }

  /** Stops acting for shards whose lease could be taken soon. */
  private fence(): void {
    for (const s of this.ownedShards()) {
      if (!this.leaseValid(s)) this.lose(s, `its lease was not renewed for ${this.ttl - this.margin} ms`);
    }
  }

  /** The shard is lost: its runner stops at once and saves nothing; the lease expires on its own. */
  private lose(shard: number, why: string): void {
    const s = this.holding(shard);
    if (s === undefined) return;
    this.states.delete(shard);
    // It acted no later than its lease was valid (every effect checks), which may be before this line.
    const actingUntil = new Date(Math.min(this.t.now(), s.lease.renewedAt + this.ttl - this.margin)).toISOString();
    this.o.logger.error("stopped acting for a shard: lease lost", { kind: this.o.kind, shard, epoch: s.lease.epoch, actingUntil, why });
    this.o.runner.abandon(shard);
  }

  private async reconcile(): Promise<void> {
    const started = this.t.now();
    try {
      this.view = await this.leases.timed("listing the members", this.o.membership.members());
    } catch (err) {
      this.o.logger.warn("could not list the members; using the last view", { err: describe(err) });
    }
    const live = this.view.filter((m) => !m.leaving).map((m) => m.id);
    if (!this.leavingNow && !live.includes(this.id)) live.push(this.id);
    this.desired = this.leavingNow ? [] : shardsOf(this.id, live, this.o.shards);
    const want = new Set(this.desired);
    const handOvers = this.ownedShards()
      .filter((s) => !want.has(s) && this.states.get(s)?.phase === "running")
      .map((s) => this.handOver(s));
    for (const s of this.desired) if (this.holding(s) === undefined) await this.claim(s);
    await Promise.all(handOvers);
    const took = this.t.now() - started;
    if (took > (this.o.slowPassMs ?? 5000)) this.o.logger.warn("a reconcile pass was slow", { kind: this.o.kind, ms: took });
  }

  private claim(shard: number): Promise<void> {
    return this.serial.run(shard, async () => {
      let lease: HeldLease;
      try {
        const entry = await this.leases.read(shard);
        const owner = entry?.lease.owner ?? null;
        if (entry !== null && owner !== null && owner !== this.id) {
          // Held by another replica: taken only once its entry has not changed for a whole TTL.
          const next = watchOrTake(this.states.get(shard), entry.revision, this.t.now(), this.ttl);
          if (next !== "take") {
            this.states.set(shard, next);
            return;
          }
          this.o.logger.warn("taking over a shard whose lease expired", { kind: this.o.kind, shard, from: owner });
        }
        const epoch = (entry?.lease.epoch ?? 0) + 1;
        const sentAt = this.t.now();
        const rev = await this.leases.take(shard, epoch, entry?.revision ?? null);
        lease = { rev, epoch, renewedAt: sentAt };
      } catch (err) {
        if (!(err instanceof CasConflictError))
          this.o.logger.warn("claim failed; will retry", { kind: this.o.kind, shard, err: describe(err) });
        return;
      }
      this.states.set(shard, { phase: "starting", lease });
      this.o.logger.debug("took shard", { kind: this.o.kind, shard, epoch: lease.epoch });
      const { epoch } = lease;
      const granted: ShardLease = { epoch, valid: () => this.holdsEpoch(shard, epoch) && this.leaseValid(shard) };
      const gaveUp = new AbortController();
      try {
        // Bounded: a start that never answers (a snapshot read stuck on a broker that went away) would
        // hold this shard's queue, and the reconcile pass with it, for good (found by the simulation).
        // Past the lease's validity a start is thrown away anyway, so that is the bound.
        await withTimeout(this.t, this.ttl - this.margin, `starting shard ${shard}`, this.o.runner.start(shard, granted, gaveUp.signal));
      } catch (err) {
        gaveUp.abort();
        this.o.logger.error("could not start a shard; freeing it", { kind: this.o.kind, shard, err: describe(err) });
        this.o.runner.abandon(shard);
        await this.free(shard, epoch);
        return;
      }
      // Lost or lapsed while it started (a stalled process): an abandon sent meanwhile found nothing
      // to stop, so stop it now, or it would keep running on a dead lease (found by the simulation).
      if (!granted.valid()) {
        this.o.runner.abandon(shard);
        this.lose(shard, "its lease lapsed while the shard started");
        return;
      }
      this.states.set(shard, { phase: "running", lease });
    });
  }

  /** Hand-over: drain and snapshot (the lease still held and renewed), then free the entry. */
  private async handOver(shard: number): Promise<void> {
    const s = this.holding(shard);
    if (s === undefined) return;
    const { epoch } = s.lease;
    this.states.set(shard, { phase: "handing-over", lease: s.lease });
    const started = this.t.now();
    try {
      this.o.logger.debug("handing shard over", { kind: this.o.kind, shard });
      // Bounded: a hand-over that never ends (a snapshot save stuck on a broker) would hold the shard,
      // the reconcile pass and a graceful leave for good (found by the simulation).
      await withTimeout(this.t, this.o.handOverTimeoutMs ?? 10_000, `handing shard ${shard} over`, this.o.runner.stop(shard));
      if (await this.serial.run(shard, () => this.free(shard, epoch))) this.o.onHandover?.(this.t.now() - started);
    } catch (err) {
      this.o.logger.warn("hand-over failed; the shard will be taken over when its lease expires", {
        kind: this.o.kind,
        shard,
        err: describe(err),
      });
      if (this.holdsEpoch(shard, epoch)) this.lose(shard, "its hand-over failed");
    }
  }

  /**
   * The shard, held at `epoch`, is handed over: it stops being held here and its entry is freed
   * (or, if that write fails, left to expire). False if it was no longer held at that epoch.
   */
  private async free(shard: number, epoch: number): Promise<boolean> {
    const s = this.holding(shard);
    if (s === undefined || s.lease.epoch !== epoch) return false;
    this.states.delete(shard);
    this.o.logger.debug("stopped acting for a shard: handed over", { kind: this.o.kind, shard, epoch });
    await this.leases.free(shard, epoch, s.lease.rev).catch((err: unknown) => {
      // The entry changed or the write was lost: the lease then expires on its own.
      this.o.logger.warn("could not free a shard's lease; it will expire", { kind: this.o.kind, shard, err: describe(err) });
    });
    return true;
  }
}

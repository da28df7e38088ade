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
 * The class holds no timers: `tick()` is called every second by the service (or
 * by the simulation test, on a fake clock).
 */
import type { Logger } from "@meetuphype/actors";
import { shardsOf } from "./assignment.js";
import { decodeLease, encodeLease, leaseKey } from "./control-plane.js";
import { CasConflictError, type LeaseKv } from "./lease-kv.js";
import type { Member, Membership } from "./membership.js";
import type { ShardKind } from "./names.js";
import { describe } from "./retry.js";
import { OperationTimeoutError, realTimers, type ShardLease, type ShardRunner, type Timers } from "./ownership-types.js";

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
  /** A reconcile pass slower than this is logged. @default 5000 */
  readonly slowPassMs?: number;
  /** Told how long each completed hand-over took (ms). */
  readonly onHandover?: (ms: number) => void;
}

interface Held {
  rev: number;
  readonly epoch: number;
  /** When the last successful write of the lease was sent (the conservative end of its validity). */
  renewedAt: number;
}

const enc = encodeLease;
const dec = decodeLease;

export class ShardOwnership {
  private readonly held = new Map<number, Held>();
  /** Entries of shards others hold: the revision seen, and since when (local time). */
  private readonly seen = new Map<number, { rev: number; since: number }>();
  /** Per-shard chain, so that renewals, claims and releases of one shard never overlap. */
  private readonly locks = new Map<number, Promise<unknown>>();
  private readonly releasing = new Set<number>();
  private desired: number[] = [];
  private view: Member[] = [];
  private leavingNow = false;
  private pass: Promise<void> | undefined;
  private ticking = false;
  private readonly t: Timers;
  private readonly ttl: number;
  private readonly margin: number;
  private readonly opTimeout: number;

  constructor(private readonly o: OwnershipOptions) {
    this.t = o.timers ?? realTimers;
    this.ttl = o.leaseTtlMs ?? 6000;
    this.margin = o.fenceMarginMs ?? 2000;
    this.opTimeout = o.opTimeoutMs ?? 2000;
  }

  get id(): string {
    return this.o.membership.id;
  }

  /** Owns every shard it should, and no other: the assignment has converged for this replica. */
  get ready(): boolean {
    if (this.leavingNow || this.releasing.size > 0) return false;
    return this.desired.length === this.held.size && this.desired.every((s) => this.held.has(s));
  }

  ownedShards(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** The shards this replica should own, as of the last reconcile pass. */
  desiredShards(): readonly number[] {
    return this.desired;
  }

  /** Whether this replica may act for `shard` right now. */
  leaseValid(shard: number): boolean {
    const h = this.held.get(shard);
    return h !== undefined && this.t.now() - h.renewedAt < this.ttl - this.margin;
  }

  /** One beat: heartbeat, renew every lease, fence the expiring ones, start a reconcile pass if none runs. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await Promise.all([
        this.timed("heartbeat", this.o.membership.beat()).catch((err: unknown) =>
          this.o.logger.warn("heartbeat failed; will retry", { err: describe(err) }),
        ),
        ...[...this.held.keys()].map((s) => this.renew(s)),
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
    await this.timed("marking the replica as leaving", this.o.membership.startLeaving()).catch((err: unknown) =>
      this.o.logger.warn("could not mark the replica as leaving; handing over anyway", { err: describe(err) }),
    );
    while (this.held.size > 0) {
      await (this.pass ?? (this.pass = this.reconcile().finally(() => (this.pass = undefined))));
    }
    await this.timed("leaving the member list", this.o.membership.remove()).catch(() => undefined);
  }

  /** `p`, or an OperationTimeoutError after the operation timeout; the timer goes as soon as either settles. */
  private async timed<T>(what: string, p: Promise<T>): Promise<T> {
    const settled = new AbortController();
    try {
      return await Promise.race([
        p,
        this.t.sleep(this.opTimeout, settled.signal).then(() => {
          throw new OperationTimeoutError(what, this.opTimeout);
        }),
      ]);
    } finally {
      settled.abort();
    }
  }

  private key(shard: number): string {
    return leaseKey(this.o.kind, shard);
  }

  private locked<T>(shard: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(shard) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(shard, tail);
    void tail.then(() => this.locks.get(shard) === tail && this.locks.delete(shard));
    return next;
  }

  private renew(shard: number): Promise<void> {
    return this.locked(shard, async () => {
      const h = this.held.get(shard);
      if (h === undefined) return;
      // A lease that lapsed stays lapsed, even if nobody took it meanwhile (a stalled replica, a lone
      // one): its shard refused effects then and no longer trusts its state, so it is claimed anew.
      if (!this.leaseValid(shard)) return this.lose(shard, "its lease lapsed before it was renewed");
      const sentAt = this.t.now();
      try {
        const rev = await this.timed(
          `renewing the lease of shard ${shard}`,
          this.o.kv.update(this.key(shard), enc({ owner: this.id, epoch: h.epoch }), h.rev),
        );
        if (!this.leaseValid(shard)) return this.lose(shard, "its lease lapsed while it was renewed");
        h.rev = rev;
        h.renewedAt = sentAt;
      } catch (err) {
        if (err instanceof CasConflictError) this.lose(shard, "its lease entry changed: another replica took it");
        else this.o.logger.warn("lease renewal failed; will retry", { kind: this.o.kind, shard, err: describe(err) });
      }
    });
  }

  /** Stops acting for shards whose lease could be taken soon. */
  private fence(): void {
    for (const s of [...this.held.keys()]) {
      if (!this.leaseValid(s)) this.lose(s, `its lease was not renewed for ${this.ttl - this.margin} ms`);
    }
  }

  private lose(shard: number, why: string): void {
    const h = this.held.get(shard);
    if (h === undefined) return;
    this.held.delete(shard);
    // It acted no later than its lease was valid (every effect checks), which may be before this line.
    const actingUntil = new Date(Math.min(this.t.now(), h.renewedAt + this.ttl - this.margin)).toISOString();
    this.o.logger.error("stopped acting for a shard: lease lost", { kind: this.o.kind, shard, epoch: h.epoch, actingUntil, why });
    this.o.runner.abandon(shard);
  }

  private async reconcile(): Promise<void> {
    const started = this.t.now();
    try {
      this.view = await this.timed("listing the members", this.o.membership.members());
    } catch (err) {
      this.o.logger.warn("could not list the members; using the last view", { err: describe(err) });
    }
    const live = this.view.filter((m) => !m.leaving).map((m) => m.id);
    if (!this.leavingNow && !live.includes(this.id)) live.push(this.id);
    this.desired = this.leavingNow ? [] : shardsOf(this.id, live, this.o.shards);
    const want = new Set(this.desired);
    const releases = this.ownedShards()
      .filter((s) => !want.has(s) && !this.releasing.has(s))
      .map((s) => this.release(s));
    for (const s of this.desired) if (!this.held.has(s)) await this.claim(s);
    await Promise.all(releases);
    const took = this.t.now() - started;
    if (took > (this.o.slowPassMs ?? 5000)) this.o.logger.warn("a reconcile pass was slow", { kind: this.o.kind, ms: took });
  }

  private claim(shard: number): Promise<void> {
    return this.locked(shard, async () => {
      const key = this.key(shard);
      let epoch: number;
      let rev: number;
      let sentAt: number;
      try {
        const e = await this.timed(`reading the lease of shard ${shard}`, this.o.kv.get(key));
        const cur = e === null ? null : dec(e.value);
        if (e !== null && cur !== null && cur.owner !== null && cur.owner !== this.id) {
          // Held by another replica: taken only once its entry has not changed for a whole TTL.
          const seen = this.seen.get(shard);
          if (seen === undefined || seen.rev !== e.revision) {
            this.seen.set(shard, { rev: e.revision, since: this.t.now() });
            return;
          }
          if (this.t.now() - seen.since < this.ttl) return;
          this.o.logger.warn("taking over a shard whose lease expired", { kind: this.o.kind, shard, from: cur.owner });
        }
        epoch = (cur?.epoch ?? 0) + 1;
        sentAt = this.t.now();
        const value = enc({ owner: this.id, epoch });
        rev = await this.timed(
          `claiming shard ${shard}`,
          e === null ? this.o.kv.create(key, value) : this.o.kv.update(key, value, e.revision),
        );
      } catch (err) {
        if (!(err instanceof CasConflictError))
          this.o.logger.warn("claim failed; will retry", { kind: this.o.kind, shard, err: describe(err) });
        return;
      }
      this.seen.delete(shard);
      this.held.set(shard, { rev, epoch, renewedAt: sentAt });
      this.o.logger.debug("took shard", { kind: this.o.kind, shard, epoch });
      const lease: ShardLease = { epoch, valid: () => this.held.get(shard)?.epoch === epoch && this.leaseValid(shard) };
      try {
        await this.o.runner.start(shard, lease);
        // Lost or lapsed while it started (a stalled process): an abandon sent meanwhile found nothing
        // to stop, so stop it now, or it would keep running on a dead lease (found by the simulation).
        if (!lease.valid()) {
          this.o.runner.abandon(shard);
          this.lose(shard, "its lease lapsed while the shard started");
        }
      } catch (err) {
        this.o.logger.error("could not start a shard; freeing it", { kind: this.o.kind, shard, err: describe(err) });
        this.o.runner.abandon(shard);
        await this.free(shard);
      }
    });
  }

  /** Hand-over: drain and snapshot (the lease still held and renewed), then free the entry. */
  private async release(shard: number): Promise<void> {
    this.releasing.add(shard);
    const started = this.t.now();
    try {
      this.o.logger.debug("handing shard over", { kind: this.o.kind, shard });
      await this.o.runner.stop(shard);
      await this.locked(shard, () => this.free(shard));
      this.o.onHandover?.(this.t.now() - started);
    } catch (err) {
      this.o.logger.warn("hand-over failed; the shard will be taken over when its lease expires", {
        kind: this.o.kind,
        shard,
        err: describe(err),
      });
      this.lose(shard, "its hand-over failed");
    } finally {
      this.releasing.delete(shard);
    }
  }

  private async free(shard: number): Promise<void> {
    const h = this.held.get(shard);
    if (h === undefined) return;
    this.held.delete(shard);
    this.o.logger.debug("stopped acting for a shard: handed over", { kind: this.o.kind, shard, epoch: h.epoch });
    await this.timed(`freeing shard ${shard}`, this.o.kv.update(this.key(shard), enc({ owner: null, epoch: h.epoch }), h.rev)).catch(
      (err: unknown) => {
        // The entry changed or the write was lost: the lease then expires on its own.
        this.o.logger.warn("could not free a shard's lease; it will expire", { kind: this.o.kind, shard, err: describe(err) });
      },
    );
  }
}

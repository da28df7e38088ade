/**
 * Shard ownership for one replica: reconciles what it owns with what
 * rendezvous hashing over the live replicas says it should own. A shard moves
 * by hand-over: the old owner stops, drains and snapshots it, then marks it
 * free with compare-and-set; the new owner claims it with compare-and-set and
 * resumes from the snapshot. An owner that vanished without releasing (a crash)
 * is taken over after its claim is older than the member TTL twice over.
 */
import type { KV, KvEntry } from "nats";
import type { Logger } from "@meetuphype/actors";
import { shardsOf } from "./assignment.js";
import type { Membership } from "./membership.js";
import type { ShardKind } from "./names.js";
import { MEMBER_TTL_MS } from "./setup.js";

export interface ShardRunner {
  /** Loads the shard's snapshot and starts consuming after the sequence it covers. */
  start(shard: number): Promise<void>;
  /** Stops consuming, handles what is in hand, and saves the snapshot. */
  stop(shard: number): Promise<void>;
}

interface Claim {
  owner: string | null;
}

const enc = (c: Claim): Uint8Array => new TextEncoder().encode(JSON.stringify(c));
const dec = (e: KvEntry): Claim => JSON.parse(new TextDecoder().decode(e.value)) as Claim;

export class ShardOwnership {
  private readonly owned = new Set<number>();
  private desired: number[] = [];
  private leaving = false;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kv: KV,
    private readonly membership: Membership,
    private readonly kind: ShardKind,
    private readonly shards: number,
    private readonly runner: ShardRunner,
    private readonly logger: Logger,
  ) {}

  get id(): string {
    return this.membership.id;
  }

  /** Owns every shard it should, and no other. */
  get ready(): boolean {
    return !this.leaving && this.desired.length === this.owned.size && this.desired.every((s) => this.owned.has(s));
  }

  ownedShards(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  start(intervalMs = 1000): void {
    const tick = (): void => {
      this.reconcile().catch((err: unknown) => this.logger.warn("shard reconcile failed; will retry", { err }));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  /** Gives every shard back (snapshot and release) and leaves the member list. */
  async leave(): Promise<void> {
    this.leaving = true;
    clearInterval(this.timer);
    await this.membership.leave();
    await this.running;
    await this.reconcile();
  }

  /** One reconcile pass; passes never overlap. */
  reconcile(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.pass().finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private async pass(): Promise<void> {
    const members = this.leaving ? [] : await this.membership.members();
    if (!this.leaving && !members.includes(this.id)) members.push(this.id);
    this.desired = this.leaving ? [] : shardsOf(this.id, members, this.shards);
    const want = new Set(this.desired);
    for (const s of this.ownedShards()) {
      if (want.has(s)) continue;
      this.logger.info("handing shard over", { kind: this.kind, shard: s });
      await this.runner.stop(s);
      await this.release(s);
      this.owned.delete(s);
    }
    for (const s of this.desired) {
      if (this.owned.has(s) || !(await this.claim(s, members))) continue;
      try {
        await this.runner.start(s);
        this.owned.add(s);
        this.logger.info("took shard", { kind: this.kind, shard: s });
      } catch (err) {
        this.logger.error("could not start shard; releasing it", { kind: this.kind, shard: s, err });
        await this.release(s);
      }
    }
  }

  private key(shard: number): string {
    return `${this.kind}.${shard}`;
  }

  private async claim(shard: number, members: readonly string[]): Promise<boolean> {
    const key = this.key(shard);
    const e = await this.kv.get(key);
    try {
      if (e === null || e.operation !== "PUT") {
        if (e === null) await this.kv.create(key, enc({ owner: this.id }));
        else await this.kv.update(key, enc({ owner: this.id }), e.revision);
        return true;
      }
      const cur = dec(e);
      if (cur.owner === this.id) return true;
      const vanished = cur.owner !== null && !members.includes(cur.owner) && Date.now() - e.created.getTime() > 2 * MEMBER_TTL_MS;
      if (cur.owner !== null && !vanished) return false;
      if (vanished)
        this.logger.warn("taking over a shard from a replica that vanished without handing it over", {
          kind: this.kind,
          shard,
          from: cur.owner,
        });
      await this.kv.update(key, enc({ owner: this.id }), e.revision);
      return true;
    } catch {
      return false; // someone else won the compare-and-set
    }
  }

  private async release(shard: number): Promise<void> {
    const key = this.key(shard);
    const e = await this.kv.get(key);
    if (e === null || e.operation !== "PUT" || dec(e).owner !== this.id) return;
    await this.kv.update(key, enc({ owner: null }), e.revision);
  }
}

/**
 * A shard host owns a set of virtual shards. Each owned shard is an actor
 * subscribed to the shard's subject; acquiring a shard starts it (optionally
 * from a snapshot), releasing one drains it and returns its snapshot, which is
 * what a handoff to another host carries.
 */
import { Actor, type ActorOptions } from "./actor.js";
import type { Subscription, Transport } from "./transport.js";

/** The logic of one shard: handles messages, and can snapshot its state. */
export interface ShardBehavior<M, S> {
  handle(msg: M): void | Promise<void>;
  snapshot(): S;
}

export interface ShardHostOptions<M, S> {
  readonly name: string;
  readonly transport: Transport;
  readonly subjectOf: (shard: number) => string;
  readonly create: (shard: number, snapshot: S | undefined) => ShardBehavior<M, S>;
  readonly actor?: ActorOptions;
}

interface Owned<M, S> {
  readonly actor: Actor<M>;
  readonly behavior: ShardBehavior<M, S>;
  readonly sub: Subscription;
}

export class ShardHost<M, S> {
  private readonly shards = new Map<number, Owned<M, S>>();

  constructor(private readonly opts: ShardHostOptions<M, S>) {}

  owned(): number[] {
    return [...this.shards.keys()].sort((a, b) => a - b);
  }

  acquire(shard: number, snapshot?: S): void {
    if (this.shards.has(shard)) return;
    const behavior = this.opts.create(shard, snapshot);
    const actor = new Actor<M>(`${this.opts.name}/${shard}`, (m) => behavior.handle(m), this.opts.actor);
    const sub = this.opts.transport.subscribe<M>(this.opts.subjectOf(shard), (m) => actor.tell(m));
    this.shards.set(shard, { actor, behavior, sub });
  }

  /** Stops taking messages for `shard`, handles what is queued, and returns its snapshot. */
  async release(shard: number): Promise<S | undefined> {
    const s = this.shards.get(shard);
    if (s === undefined) return undefined;
    s.sub.unsubscribe();
    this.shards.delete(shard);
    await s.actor.stop();
    return s.behavior.snapshot();
  }

  /** Resolves when every owned shard's mailbox is empty and idle. */
  async idle(): Promise<void> {
    await Promise.all([...this.shards.values()].map((s) => s.actor.idle()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.owned().map((s) => this.release(s)));
  }
}

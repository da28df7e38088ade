/**
 * A stage's shards in one process (embedded mode): each is the runtime's `RunningShard`, as in a
 * replica, fed from an in-process queue instead of a JetStream subject, under a lease that never
 * lapses, and saving no snapshots (one process has nothing to hand over or recover). Messages
 * are the stage's objects, never bytes.
 */
import type { Logger } from "@meetuphype/log";
import { describe } from "@meetuphype/control-plane/retry";
import type { ShardLease, ShardLogic, SnapshotStorage } from "@meetuphype/shard-runtime";
import { RunningShard } from "@meetuphype/shard-runtime/running";

export interface LocalShardsOptions<X, M> {
  /** The stage's name, for logs. */
  readonly name: string;
  readonly shards: number;
  readonly create: (shard: number, lease: ShardLease) => ShardLogic<X, M>;
  readonly logger: Logger;
  /** Told of each message a shard's logic failed on; the shard goes on with the next (a bug if ever called). */
  readonly onFailure: (err: unknown) => void;
}

/** One process owns every shard, for good. */
const FOREVER: ShardLease = { epoch: 1, valid: () => true };

const NO_SNAPSHOTS: SnapshotStorage = {
  load: () => Promise.resolve(undefined),
  save: () => Promise.resolve(),
};

type Deliver<M> = (seq: number, data: M, pending: number) => Promise<void>;

/** The logic, with a failure reported and the message skipped (as an actor does), not passed to the runtime. */
function reporting<X, M>(logic: ShardLogic<X, M>, failed: (err: unknown) => void): ShardLogic<X, M> {
  return {
    onStream: (group, signal) => logic.onStream(group, signal).catch(failed),
    onExtra: (msg, at) => logic.onExtra(msg, at).catch(failed),
    snapshot: (seq) => logic.snapshot(seq),
    ...(logic.clock !== undefined ? { clock: () => logic.clock?.() ?? 0 } : {}),
  };
}

export class LocalShards<X, M> {
  private readonly running: RunningShard<X, M>[] = [];
  private readonly deliver: Deliver<M>[] = [];
  /** Per shard: the last sequence given, and the delivery of the last message (they go in order). */
  private readonly seqs: number[] = [];
  private readonly tails: Promise<unknown>[] = [];

  constructor(o: LocalShardsOptions<X, M>) {
    for (let shard = 0; shard < o.shards; shard++) {
      const logger = o.logger.child({ stage: o.name, shard });
      const failed = (err: unknown): void => {
        logger.error("a shard failed on a message; it goes on with the next", { err: describe(err) });
        o.onFailure(err);
      };
      this.seqs.push(0);
      this.tails.push(Promise.resolve());
      this.running.push(
        new RunningShard<X, M>({
          shard,
          logic: reporting(o.create(shard, FOREVER), failed),
          seq: 0,
          catchUpTo: 0,
          lease: FOREVER,
          name: `${o.name}-${shard}`,
          logger,
          actorName: `${o.name}/${shard}`,
          subject: `${o.name}.${shard}`,
          feed: (_subject, _after, deliver, signal) => {
            this.deliver[shard] = deliver;
            const done = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
            return { done, stop: () => undefined };
          },
          snapshots: NO_SNAPSHOTS,
          snapshotEveryMs: 0,
          onPending: () => undefined,
          onSaved: () => undefined,
        }),
      );
    }
  }

  /**
   * Appends `data` to the shard's stream; resolves with its sequence once the shard has taken it
   * in (waits while the shard's inbox is full: backpressure). Messages to one shard from any
   * number of senders are taken in the order of their sequences.
   */
  send(shard: number, data: M): Promise<number> {
    const seq = (this.seqs[shard] = (this.seqs[shard] ?? 0) + 1);
    const deliver = this.deliver[shard];
    if (deliver === undefined) return Promise.reject(new RangeError(`no shard ${shard}`));
    const delivered = (this.tails[shard] ?? Promise.resolve()).then(() => deliver(seq, data, 0));
    this.tails[shard] = delivered.catch(() => undefined);
    return delivered.then(() => seq);
  }

  /** An extra message for one shard, in order with its stream. */
  extra(shard: number, msg: X): Promise<void> {
    const r = this.running[shard];
    return r === undefined ? Promise.reject(new RangeError(`no shard ${shard}`)) : r.extra(msg);
  }

  /** Resolves once every shard has handled every message sent to it so far. */
  async idle(): Promise<void> {
    await Promise.all(this.tails);
    await Promise.all(this.running.map((r) => r.idle()));
  }

  /** Handles what was sent, then stops every shard. */
  async stop(): Promise<void> {
    await this.idle();
    for (const r of this.running) r.abandon();
  }
}

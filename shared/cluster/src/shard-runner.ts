/**
 * Runs owned shards from JetStream: each shard is an actor fed, in order, by an
 * ordered consumer on the shard's subject, starting after the stream sequence
 * its snapshot covers. Stopping a shard stops the consumer, lets the actor
 * finish what it holds (its outputs are acknowledged before a message counts
 * as handled), and saves a snapshot with the last handled sequence.
 */
import { consumerOpts, type JetStreamClient, type JetStreamSubscription } from "nats";
import { Actor, type Logger } from "@meetuphype/actors";
import type { ShardRunner } from "./ownership.js";
import type { SnapshotStore } from "./snapshots.js";

/** A message for a shard actor: a stream message, or an extra one (a rank request, a snapshot tick). */
export type ShardInput<X> =
  { readonly kind: "stream"; readonly seq: number; readonly data: Uint8Array } | { readonly kind: "extra"; readonly msg: X };

export interface ShardLogic<X> {
  /** Handles one stream message; resolves when its outputs are acknowledged. */
  onStream(seq: number, data: Uint8Array): Promise<void>;
  onExtra(msg: X): Promise<void>;
  /** The shard's state after `seq`. */
  snapshot(seq: number): Uint8Array;
}

export interface JetStreamShardsOptions<X> {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly subjectOf: (shard: number) => string;
  readonly snapshotName: (shard: number) => string;
  readonly snapshots: SnapshotStore;
  /** Builds a shard's logic from its snapshot (undefined: a fresh shard); returns it with the sequence it covers. */
  readonly create: (shard: number, snapshot: Uint8Array | undefined) => { logic: ShardLogic<X>; seq: number };
  readonly logger: Logger;
  /** Save a snapshot this often while running (crash recovery replays less). @default 30000 */
  readonly snapshotEveryMs?: number;
}

interface Running<X> {
  readonly actor: Actor<ShardInput<X> | { kind: "save" }>;
  readonly sub: JetStreamSubscription;
  readonly pump: Promise<void>;
  readonly timer: NodeJS.Timeout;
  readonly pos: { lastSeq: number };
  readonly stopping: { now: boolean };
}

export class JetStreamShards<X> implements ShardRunner {
  private readonly running = new Map<number, Running<X>>();

  constructor(private readonly o: JetStreamShardsOptions<X>) {}

  /** Delivers an extra message to every running shard, in order with its stream messages. */
  async broadcast(msg: X): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.actor.tell({ kind: "extra", msg })));
  }

  async start(shard: number): Promise<void> {
    if (this.running.has(shard)) return;
    const name = this.o.snapshotName(shard);
    const { logic, seq } = this.o.create(shard, await this.o.snapshots.load(name));
    const save = async (upTo: number): Promise<void> => this.o.snapshots.save(name, logic.snapshot(upTo));
    const pos = { lastSeq: seq };
    const actor = new Actor<ShardInput<X> | { kind: "save" }>(
      `${this.o.stream}/${shard}`,
      async (m) => {
        if (m.kind === "stream") {
          await logic.onStream(m.seq, m.data);
          pos.lastSeq = m.seq;
        } else if (m.kind === "extra") await logic.onExtra(m.msg);
        else await save(pos.lastSeq);
      },
      { capacity: 8, onError: (err, a) => this.o.logger.error("shard message failed", { actor: a, err }) },
    );
    // An ordered push consumer on the shard's subject (NATS 2.9 has no multi-filter
    // pull consumers; this API works from 2.2 on), from just after the snapshot.
    const opts = consumerOpts();
    opts.orderedConsumer();
    if (seq > 0) opts.startSequence(seq + 1);
    else opts.deliverAll();
    const sub = await this.o.js.subscribe(this.o.subjectOf(shard), opts);
    const stopping = { now: false };
    const pump = (async () => {
      for await (const m of sub) {
        // Messages still buffered when the shard stops are left to the next owner,
        // which resumes after the last handled sequence: stopping stays prompt.
        if (stopping.now) break;
        await actor.tell({ kind: "stream", seq: m.seq, data: m.data });
      }
    })();
    const timer = setInterval(() => void actor.tell({ kind: "save" }).catch(() => undefined), this.o.snapshotEveryMs ?? 30_000);
    this.running.set(shard, { actor, sub, pump, timer, pos, stopping });
  }

  async stop(shard: number): Promise<void> {
    const r = this.running.get(shard);
    if (r === undefined) return;
    this.running.delete(shard);
    clearInterval(r.timer);
    r.stopping.now = true;
    r.sub.unsubscribe();
    await r.pump.catch(() => undefined);
    await r.actor.tell({ kind: "save" });
    await r.actor.stop();
  }
}

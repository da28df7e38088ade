/**
 * The whole pipeline in one process: ingest → dedup shards → counter shards →
 * aggregator, as actors over the in-memory transport. The distributed services
 * run the same logic classes over NATS.
 */
import { Actor, InMemoryTransport, ShardHost, type Clock, type Logger } from "@meetuphype/actors";
import { ClockMode, versionRetentionMs, type TrendingParams } from "@meetuphype/core";
import type { DeadLetterSink } from "./dead-letter.js";
import { subjects, type CounterMessage, type DedupBatch, type ShardTopK } from "./messages.js";
import type { Snapshot } from "./snapshot.js";
import { AggregatorLogic } from "./stages/aggregator.js";
import { CounterLogic, type CounterSnapshot } from "./stages/counter.js";
import { DedupLogic, type DedupSnapshot } from "./stages/dedup.js";
import { IngestLogic } from "./stages/ingest.js";
import { emptyStats, type PipelineStats } from "./stats.js";

export interface EmbeddedOptions {
  readonly params: TrendingParams;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Virtual dedup shards (rsvp_id space). @default 16 */
  readonly dedupShards?: number;
  /** Virtual counter shards (topic-key space). @default 32 */
  readonly counterShards?: number;
  /** Mailbox capacity of every actor, in messages (batches). @default 16 */
  readonly mailboxCapacity?: number;
  readonly deadLetter?: DeadLetterSink;
}

export class EmbeddedPipeline {
  readonly stats: PipelineStats = emptyStats();
  private readonly transport = new InMemoryTransport();
  private readonly subj = subjects("");
  private readonly ingest: Actor<readonly string[]>;
  private readonly ingestLogic: IngestLogic;
  private readonly dedups: ShardHost<DedupBatch, DedupSnapshot>;
  private readonly counters: ShardHost<CounterMessage, CounterSnapshot>;
  private readonly aggregator: AggregatorLogic;
  private readonly waiting = new Map<number, (s: Snapshot) => void>();
  private readonly counterShards: number;
  private seq = 0;
  private failures = 0;

  constructor(private readonly opts: EmbeddedOptions) {
    const { params, logger } = opts;
    const dedupShards = opts.dedupShards ?? 16;
    this.counterShards = opts.counterShards ?? 32;
    const actor = {
      capacity: opts.mailboxCapacity ?? 16,
      onError: (err: unknown, name: string) => {
        this.failures++;
        logger.error("actor failed on a message; it goes on with the next", { actor: name, err });
      },
    };
    this.ingestLogic = new IngestLogic(params.includeEventNames, dedupShards, this.stats);
    this.ingest = new Actor("ingest", (lines) => this.onLines(lines), actor);
    const retention = versionRetentionMs(params.windowDays, params.idleMinutes);
    this.dedups = new ShardHost({
      name: "dedup",
      transport: this.transport,
      subjectOf: this.subj.dedup,
      actor,
      create: (_shard, snap) => {
        const logic = new DedupLogic(retention, this.counterShards, this.stats, snap);
        return {
          handle: async (batch: DedupBatch) => {
            for (const [shard, deltas] of logic.process(batch)) {
              await this.transport.publish<CounterMessage>(this.subj.counter(shard), { kind: "deltas", now: batch.now, deltas });
            }
          },
          snapshot: () => logic.snapshot(),
        };
      },
    });
    this.counters = new ShardHost({
      name: "counter",
      transport: this.transport,
      subjectOf: this.subj.counter,
      actor,
      create: (shard, snap) => {
        const logic = new CounterLogic(shard, params, snap);
        return {
          handle: async (msg: CounterMessage) => {
            const top = logic.handle(msg);
            if (top !== undefined) await this.transport.publish(this.subj.aggregator, top);
          },
          snapshot: () => logic.snapshot(),
        };
      },
    });
    this.aggregator = new AggregatorLogic(this.counterShards, params.topN);
    this.transport.subscribe<ShardTopK>(this.subj.aggregator, (msg) => {
      const snap = this.aggregator.accept(msg);
      if (snap === undefined) return;
      const resolve = this.waiting.get(msg.seq);
      this.waiting.delete(msg.seq);
      resolve?.(snap);
    });
    for (let s = 0; s < dedupShards; s++) this.dedups.acquire(s);
    for (let s = 0; s < this.counterShards; s++) this.counters.acquire(s);
  }

  /** Messages that failed inside an actor (a bug if ever non-zero). */
  get actorFailures(): number {
    return this.failures;
  }

  /** Feeds a batch of raw lines; waits while the ingest mailbox is full. */
  push(lines: readonly string[]): Promise<void> {
    return this.ingest.tell(lines);
  }

  /** Resolves when every stage has handled everything pushed so far. */
  async drain(): Promise<void> {
    await this.ingest.idle();
    await this.dedups.idle();
    await this.counters.idle();
  }

  /** The trending clock now: the largest valid mtime (event) or the wall clock (processing). */
  now(): number {
    return this.opts.params.clock === ClockMode.Event ? this.ingestLogic.clock : this.opts.clock.now();
  }

  /** Asks every counter shard for its top-K at the current clock and merges the answers. */
  async rank(): Promise<Snapshot> {
    const seq = ++this.seq;
    const now = this.now();
    const done = new Promise<Snapshot>((resolve) => this.waiting.set(seq, resolve));
    const req: CounterMessage = { kind: "rank", now, seq, k: this.opts.params.topN };
    await Promise.all(Array.from({ length: this.counterShards }, (_, s) => this.transport.publish(this.subj.counter(s), req)));
    return done;
  }

  async stop(): Promise<void> {
    await this.ingest.stop();
    await this.dedups.stop();
    await this.counters.stop();
  }

  private async onLines(lines: readonly string[]): Promise<void> {
    const res = this.ingestLogic.process(lines);
    const now = this.opts.params.clock === ClockMode.Event ? res.eventNow : this.opts.clock.now();
    if (res.rejections.length > 0 && this.opts.deadLetter !== undefined) await this.opts.deadLetter.write(res.rejections);
    for (const [shard, records] of res.byShard) await this.transport.publish<DedupBatch>(this.subj.dedup(shard), { now, records });
  }
}

/**
 * The whole pipeline in one process: ingest → dedup shards → counter shards → aggregator. The
 * dedup and counter shards are the replicas' own stage code (dedup-shard.ts, counter-shard.ts)
 * on the runtime's running shards (local-shards.ts), given objects instead of bytes; ingest is
 * an actor, and the aggregator's logic runs where the counters answer.
 */
import { Actor, type Clock } from "@meetuphype/actors";
import { type Logger } from "@meetuphype/log";
import { clockOf, ClockMode, type Marks, type TrendingParams } from "@meetuphype/core";
import type { DeltaMessage } from "@meetuphype/control-plane/codec";
import {
  addCounts,
  AggregatorLogic,
  emptyStats,
  IngestLogic,
  ingestCounts,
  ParseThread,
  readParsedBatch,
  type DeadLetterSink,
  type DedupBatch,
  type ParsedBatch,
  type PipelineStats,
  type RankRequest,
  type ShardTopK,
  type Snapshot,
  type StageCounts,
} from "@meetuphype/pipeline";
import { counterShard, type CounterExtra } from "./counter-shard.js";
import { dedupShard, type DedupShardState } from "./dedup-shard.js";
import { LocalShards } from "./local-shards.js";

export interface EmbeddedOptions {
  readonly params: TrendingParams;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Virtual dedup shards (rsvp_id space). @default 16 */
  readonly dedupShards?: number;
  /** Virtual counter shards (topic-key space). @default 32 */
  readonly counterShards?: number;
  /** Mailbox capacity of the ingest actor, in batches. @default 16 */
  readonly mailboxCapacity?: number;
  readonly deadLetter?: DeadLetterSink;
  /** What the rankings name their cuts in: the Kafka topic, or the input's name. @default "" */
  readonly inputTopic?: string;
  /**
   * Parse and validate lines on a worker thread (parse-thread.ts), beside the thread that runs
   * the other stages; the result is the same. `run` does; tests mostly do not. A thread given
   * here is used (and closed with the pipeline). If the thread fails, the batches it did not
   * answer and all later ones are parsed on this thread, with a warning. @default false
   */
  readonly parseThread?: boolean | ParseThread;
  /** Hears what each step of a stage did (the counts `stats` adds up), for metrics. */
  readonly onCounts?: (c: StageCounts) => void;
  /**
   * Hears each dedup and counter shard's outcomes as a replica's metrics do (`applied`,
   * `duplicate`, `expired`, `deltas_forwarded`; `deltas_applied`, `deltas_skipped`).
   */
  readonly onOutcome?: (stage: "dedup" | "counter", outcome: string, n: number) => void;
}

/** Where a batch of lines sits in the input: its partition and each line's offset (a file: partition 0, line numbers). */
export interface InputAt {
  readonly partition: number;
  readonly offsets: readonly number[];
}

/**
 * What the ingest actor takes: a batch of lines (parsed here, or on the parse thread as `parsed`
 * says), or a batch of a file the parse thread read and validated itself (`count` lines there).
 */
type IngestMessage =
  | { readonly lines: readonly string[]; readonly at: InputAt | undefined; readonly parsed: Promise<ParsedBatch> | undefined }
  | { readonly read: ParsedBatch; readonly count: number };

/** Pushes between the rounds the pipeline starts by itself. */
const ROUND_EVERY_PUSHES = 32;

export class EmbeddedPipeline {
  readonly stats: PipelineStats = emptyStats();
  private readonly ingest: Actor<IngestMessage>;
  private parser: ParseThread | undefined;
  private readonly ingestLogic: IngestLogic;
  private readonly dedups: LocalShards<never, DedupBatch>;
  /** What each dedup shard's notices say (a replica sends them as a shard settles; here, before each probe). */
  private readonly dedupStates: DedupShardState[] = [];
  private readonly counters: LocalShards<CounterExtra, readonly DeltaMessage[]>;
  private readonly aggregator: AggregatorLogic;
  private readonly waiting = new Map<number, (s: Snapshot | undefined) => void>();
  private readonly counterShards: number;
  private readonly dedupShards: number;
  /** Per input partition: the next offset, and the largest valid mtime before it. */
  private readonly partitions = new Map<number, { next: number; clock: number }>();
  private seq = 0;
  private pushes = 0;
  private failures = 0;
  /** The clock of the latest ranked cut: dedup shards let versions expire by it. */
  private expiry = 0;

  constructor(private readonly opts: EmbeddedOptions) {
    const { params, logger } = opts;
    const dedupShards = (this.dedupShards = opts.dedupShards ?? 16);
    this.counterShards = opts.counterShards ?? 32;
    const ingestActor = {
      capacity: opts.mailboxCapacity ?? 16,
      onError: (err: unknown, name: string) => {
        this.failures++;
        logger.error("actor failed on a message; it goes on with the next", { actor: name, err });
      },
    };
    this.ingestLogic = new IngestLogic(params.includeEventNames, dedupShards);
    this.parser =
      opts.parseThread === true
        ? new ParseThread({ includeEventNames: params.includeEventNames, dedupShards })
        : opts.parseThread === false
          ? undefined
          : opts.parseThread;
    this.ingest = new Actor("ingest", (m) => this.onLines(m), ingestActor);
    const onFailure = (): void => void this.failures++;
    this.dedups = new LocalShards({
      name: "dedup",
      shards: dedupShards,
      logger,
      onFailure,
      create: (shard, lease) => {
        const made = dedupShard<DedupBatch>({
          shard,
          snapshot: undefined,
          lease,
          params,
          counterShards: this.counterShards,
          expiry: () => this.expiry,
          ports: {
            read: (batch) => batch,
            send: (target, message) => this.counters.send(target, [message]),
            count: (outcome, n) => {
              this.countDedup(outcome, n);
              this.opts.onOutcome?.("dedup", outcome, n);
            },
            logger,
          },
        });
        this.dedupStates[shard] = made.state;
        return made.logic;
      },
    });
    this.counters = new LocalShards({
      name: "counter",
      shards: this.counterShards,
      logger,
      onFailure,
      create: (shard, lease) =>
        counterShard<readonly DeltaMessage[]>({
          shard,
          snapshot: undefined,
          lease,
          params,
          dedupShards,
          ports: {
            read: (messages) => messages,
            answer: (top) => this.onAnswer(top),
            count: (outcome, n) => this.opts.onOutcome?.("counter", outcome, n),
            logger,
          },
        }).logic,
    });
    this.aggregator = new AggregatorLogic(this.counterShards, params.topN, (cut) =>
      params.clock === ClockMode.Event ? clockOf(cut) : opts.clock.now(),
    );
  }

  /** A counter shard's answer to a rank request (the aggregator's part). */
  private onAnswer(msg: ShardTopK): void {
    const step = this.aggregator.accept(msg);
    if (step === undefined) return;
    if (step.kind === "rank") {
      // Not awaited: a counter is waiting on this call, and the request goes to its inbox.
      void this.toCounters(step.request).catch((err: unknown) => this.settle(msg.seq, undefined, err));
      return;
    }
    this.expiry = Math.max(this.expiry, step.snapshot.asOfMs);
    this.settle(msg.seq, { ...step.snapshot, inputTopic: this.opts.inputTopic ?? "" });
  }

  /** Messages that failed inside an actor (a bug if ever non-zero). */
  get actorFailures(): number {
    return this.failures;
  }

  /**
   * Feeds a batch of raw lines; waits while the ingest mailbox is full. `at` places them in
   * the input (a Kafka batch); by default they follow the lines before them in partition 0.
   */
  push(lines: readonly string[], at?: InputAt): Promise<void> {
    // The parse thread starts on the batch now, while the batches before it go through the stages.
    const parsed = this.parser?.parse(lines);
    parsed?.catch(() => undefined); // awaited (and reported) when the ingest actor takes the batch
    return this.toIngest({ lines, at, parsed });
  }

  /**
   * Feeds a batch the parse thread read from a file and validated itself (`ParseThread.readFile`):
   * `lines` lines (blank ones included) that follow the lines before them in partition 0.
   */
  pushParsed(batch: ParsedBatch, lines: number): Promise<void> {
    return this.toIngest({ read: batch, count: lines });
  }

  private toIngest(m: IngestMessage): Promise<void> {
    // Now and then a round nobody waits for: the counters apply what the cut passed, so the deltas
    // they hold stay few even when nothing else asks for a ranking (`run --once` over a large file).
    if (++this.pushes % ROUND_EVERY_PUSHES === 0) void this.rank().catch(() => undefined);
    return this.ingest.tell(m);
  }

  /** The parse thread in use: undefined when there is none, or once it has failed. */
  get parseThread(): ParseThread | undefined {
    return this.parser;
  }

  /** Resolves when every stage has handled everything pushed so far. */
  async drain(): Promise<void> {
    await this.ingest.idle();
    await this.dedups.idle();
    await this.counters.idle();
  }

  /**
   * The ranking over the input every counter shard has every delta of: probes the
   * shards' coverage, then asks each for its top-K over the meet (a cut) and merges.
   */
  async rank(): Promise<Snapshot> {
    const seq = ++this.seq;
    const done = new Promise<Snapshot | undefined>((resolve) => this.waiting.set(seq, resolve));
    await this.sendNotices();
    await this.toCounters(this.aggregator.probe(seq));
    const snap = await done;
    if (snap === undefined) throw new Error(`ranking round ${seq} did not complete`);
    return snap;
  }

  /** The input cut of the latest ranking asked for. */
  get cut(): Marks {
    return this.aggregator.cut;
  }

  private async toCounters(req: RankRequest): Promise<void> {
    await Promise.all(Array.from({ length: this.counterShards }, (_, s) => this.counters.extra(s, req)));
  }

  /**
   * Every counter shard hears how far each dedup shard has settled, so that one that got no deltas
   * from it lately is covered all the same (a replica's notices, dedup's notices.ts).
   */
  private async sendNotices(): Promise<void> {
    const notices = [...this.dedupStates.entries()].map(([shard, state]) => ({ shard, epoch: state.epoch, ...state.settled() }));
    const told: CounterExtra = { kind: "notices", notices };
    await Promise.all(Array.from({ length: this.counterShards }, (_, c) => this.counters.extra(c, told)));
  }

  private settle(seq: number, snap: Snapshot | undefined, err?: unknown): void {
    if (err !== undefined) this.opts.logger.error("a ranking request was not delivered", { err });
    // A ranking also answers the rounds before it that it superseded (their cuts are behind its own).
    for (const [s, resolve] of this.waiting) {
      if (s > seq || (s < seq && snap === undefined)) continue;
      this.waiting.delete(s);
      resolve(snap);
    }
  }

  async stop(): Promise<void> {
    await this.ingest.stop();
    await this.dedups.stop();
    await this.counters.stop();
    await this.parser?.close();
  }

  private countDedup(outcome: string, n: number): void {
    if (n === 0) return;
    if (outcome === "duplicate") this.count({ ignoredVersions: n });
    else if (outcome === "expired") this.count({ expiredVersions: n });
  }

  private count(c: StageCounts): void {
    addCounts(this.stats, c);
    this.opts.onCounts?.(c);
  }

  /** The parse thread's answer, or undefined when there is none: it was not asked, or it failed (then it is not asked again). */
  private async fromParseThread(parsed: Promise<ParsedBatch> | undefined): Promise<ReturnType<typeof readParsedBatch> | undefined> {
    if (parsed === undefined) return undefined;
    try {
      return readParsedBatch(await parsed);
    } catch (err) {
      if (this.parser !== undefined) {
        this.opts.logger.warn("the parse thread failed; parsing on the main thread from now on", { err });
        const failed = this.parser;
        this.parser = undefined;
        await failed.close().catch(() => undefined);
      }
      return undefined;
    }
  }

  private async onLines(m: IngestMessage): Promise<void> {
    const at = "read" in m ? undefined : m.at;
    const count = "read" in m ? m.count : m.lines.length;
    const partition = at?.partition ?? 0;
    const known = this.partitions.get(partition) ?? { next: 0, clock: 0 };
    const offsetOf = (i: number): number => at?.offsets[i] ?? known.next + i;
    // A batch the parse thread read has no lines here: its answer is already in hand.
    const res = "read" in m ? readParsedBatch(m.read) : ((await this.fromParseThread(m.parsed)) ?? this.ingestLogic.process(m.lines));
    this.count(ingestCounts(res.lines, res.rejections));
    if (res.rejections.length > 0 && this.opts.deadLetter !== undefined) await this.opts.deadLetter.write(res.rejections);
    let clock = known.clock;
    for (const records of res.byShard.values()) for (const r of records) if (r.mtime > clock) clock = r.mtime;
    const next = count === 0 ? known.next : offsetOf(count - 1) + 1;
    this.partitions.set(partition, { next, clock });
    const through = { partition, next, clock };
    // Every dedup shard hears that it has all of its share of the partition up to `next`.
    for (let shard = 0; shard < this.dedupShards; shard++) {
      const records = res.byShard.get(shard) ?? [];
      const offsets = (res.indices.get(shard) ?? []).map(offsetOf);
      await this.dedups.send(shard, { partition, records, offsets, through });
    }
  }
}

/**
 * Runs owned shards from JetStream: each shard is an actor fed, in order, by an
 * ordered consumer on the shard's subject, starting after the stream sequence
 * its snapshot covers. Stream messages wait in the shard's inbox and are handled
 * a group at a time (whatever arrived meanwhile, up to GROUP_MAX): one round of
 * publishes and acknowledgements per group, not per message. A group counts as
 * handled only when every output it caused was acknowledged (the logic retries
 * its publishes until then); nothing is ever skipped past. Stopping a shard stops
 * the consumer, lets the actor finish what it holds, and saves a snapshot with
 * the last handled sequence.
 */
import { setMaxListeners } from "node:events";
import type { JetStreamClient } from "nats";
import { Actor, type Logger } from "@meetuphype/actors";
import { LeaseExpiredError, underLease } from "./fenced.js";
import type { ShardLease, ShardRunner } from "./ownership-types.js";
import { describe, RetryAbortedError } from "./retry.js";
import { ShardConsumer } from "./shard-consumer.js";
import type { SnapshotStorage } from "./snapshots.js";

/** One message of a shard's stream. */
export interface StreamMessage {
  readonly seq: number;
  readonly data: Uint8Array;
  /** Messages of the shard's subject still pending after this one. */
  readonly pending: number;
}

/** A message for a shard actor: take the next group of stream messages, or an extra one (a rank request, a tick). */
export type ShardInput<X> = { readonly kind: "group" } | { readonly kind: "extra"; readonly msg: X };

/** Stream messages handled together at most. */
export const GROUP_MAX = 64;
/** Stream messages a shard's inbox holds at most before its consumer waits. */
const INBOX_MAX = 4 * GROUP_MAX;

export interface ShardLogic<X> {
  /**
   * Handles a group of stream messages, in order; resolves when their outputs are
   * acknowledged. It retries its publishes until `signal` aborts (the shard is
   * stopping); then it rejects with RetryAbortedError, and the shard's state is no
   * longer trusted.
   */
  onStream(group: readonly StreamMessage[], signal: AbortSignal): Promise<void>;
  /**
   * Handles an extra message. `at.caughtUp` tells whether the shard has handled every
   * message its stream held when it started; `at.lastSeq` is the last one it handled.
   */
  onExtra(msg: X, at: { readonly caughtUp: boolean; readonly lastSeq: number }): Promise<void>;
  /** The shard's state after `seq`. */
  snapshot(seq: number): Uint8Array;
  /** The trending clock of the last message handled (for the progress the shard reports). */
  clock?(): number;
}

/** Where an owned shard stands: its clock, and how many stream messages wait behind the last one it handled. */
export interface ShardProgress {
  readonly clock: number;
  readonly pending: number;
}

/** A running feed of one shard's stream messages, in order, after a sequence. */
export interface ShardFeed {
  /** Settles once the feed has stopped (after `signal` aborted). */
  readonly done: Promise<void>;
  stop(): void;
}

/** Starts feeding `subject`'s messages after sequence `after` to `deliver`, one at a time, until `signal` aborts. */
export type ShardFeedFactory = (
  subject: string,
  after: number,
  deliver: (seq: number, data: Uint8Array, pending: number) => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
) => ShardFeed;

/** The feed from JetStream: an ordered consumer that subscribes again when its subscription ends. */
export const jetStreamFeed =
  (js: JetStreamClient): ShardFeedFactory =>
  (subject, after, deliver, signal, logger) =>
    new ShardConsumer(js, subject, after, deliver, signal, logger);

export interface JetStreamShardsOptions<X> {
  /** Where each shard's stream messages come from (jetStreamFeed; a test feeds them itself). */
  readonly feed: ShardFeedFactory;
  readonly stream: string;
  readonly subjectOf: (shard: number) => string;
  readonly snapshotName: (shard: number) => string;
  readonly snapshots: SnapshotStorage;
  /**
   * Builds a shard's logic from its snapshot (undefined: a fresh shard); returns it with the
   * sequence it covers. The logic checks `lease.valid()` before every effect it publishes.
   */
  readonly create: (shard: number, snapshot: Uint8Array | undefined, lease: ShardLease) => { logic: ShardLogic<X>; seq: number };
  readonly logger: Logger;
  /** The last sequence of the shard's subject in the stream (0 when empty): what "caught up" means at start. */
  readonly lastSeqOf: (shard: number) => Promise<number>;
  /** Told, per delivered message, how many messages of the shard's stream are still pending after it. */
  readonly onPending?: (shard: number, pending: number) => void;
  /** Save a snapshot this often while running (crash recovery replays less). @default 30000 */
  readonly snapshotEveryMs?: number;
}

type Input<X> = ShardInput<X> | { kind: "save" };

/** The stream messages that wait for their shard's actor. Putting waits while it is full. */
export class Inbox {
  private items: StreamMessage[] = [];
  private space: (() => void)[] = [];

  constructor(private readonly max: number = INBOX_MAX) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds a message; resolves true when the inbox was empty (the actor needs a wake-up). */
  async put(m: StreamMessage): Promise<boolean> {
    while (this.items.length >= this.max) await new Promise<void>((resolve) => this.space.push(resolve));
    this.items.push(m);
    return this.items.length === 1;
  }

  /** Takes the oldest `n` messages at most. */
  take(n: number): StreamMessage[] {
    const group = this.items.length <= n ? this.items : this.items.slice(0, n);
    this.items = this.items.length <= n ? [] : this.items.slice(n);
    const waiting = this.space;
    this.space = [];
    for (const w of waiting) w();
    return group;
  }
}

interface Running<X> {
  readonly actor: Actor<Input<X>>;
  readonly consumer: ShardFeed;
  readonly timer: NodeJS.Timeout;
  /** Stops the consumer; messages not yet started are left to the next owner. */
  readonly stop: AbortController;
  /** Gives up on the message in hand (its publishes stop retrying): a hand-over past its deadline. */
  readonly abandon: AbortController;
  readonly progress: () => ShardProgress;
}

export class JetStreamShards<X> implements ShardRunner {
  private readonly running = new Map<number, Running<X>>();
  private readonly saved = new Map<number, number>();

  /** Where each running shard stands. */
  progress(): Map<number, ShardProgress> {
    return new Map([...this.running].filter(([, r]) => !r.stop.signal.aborted).map(([s, r]) => [s, r.progress()]));
  }

  /** When the shard's last snapshot was saved by this replica (ms since the epoch), if it was. */
  savedAt(shard: number): number | undefined {
    return this.saved.get(shard);
  }

  constructor(private readonly o: JetStreamShardsOptions<X>) {}

  /** Delivers an extra message to every running shard, in order with its stream messages. */
  async broadcast(msg: X): Promise<void> {
    const live = [...this.running.values()].filter((r) => !r.stop.signal.aborted);
    await Promise.all(live.map((r) => r.actor.tell({ kind: "extra", msg })));
  }

  async start(shard: number, lease: ShardLease): Promise<void> {
    if (this.running.has(shard)) return;
    const name = this.o.snapshotName(shard);
    const log = this.o.logger.child({ shard, epoch: lease.epoch });
    const { logic, seq } = this.o.create(shard, await this.o.snapshots.load(name), lease);
    // A shard that resumes from an older snapshot replays its stream; until it has reached where
    // the stream stood at its start, its state is behind, and it says so to extra messages.
    const catchUpTo = await this.o.lastSeqOf(shard);
    // The lease may have lapsed while the snapshot loaded (a stalled process): then start nothing.
    if (!lease.valid()) throw new LeaseExpiredError(`starting shard ${shard}`);
    const stop = new AbortController();
    const abandon = new AbortController();
    // Every publish of the message in hand listens to it (one per counter shard).
    setMaxListeners(0, abandon.signal);
    let lastSeq = seq;
    let pendingAfter = 0;
    // Set when a message could not be finished: the in-memory state then holds effects that
    // were not all acknowledged, so it is never saved; the next owner replays from the last snapshot.
    let tainted = false;
    // Fenced: a replica whose lease is no longer valid never overwrites the snapshot of the shard's next owner.
    const save = async (): Promise<void> => {
      if (tainted || !lease.valid()) return;
      const bytes = logic.snapshot(lastSeq);
      await underLease(lease, `saving snapshot ${name}`, () => this.o.snapshots.save(name, bytes), {
        logger: log,
        signal: abandon.signal,
      }).then(
        () => void this.saved.set(shard, Date.now()),
        (err: unknown) => {
          if (!(err instanceof LeaseExpiredError)) throw err;
        },
      );
    };
    const inbox = new Inbox();
    const actor: Actor<Input<X>> = new Actor<Input<X>>(
      `${this.o.stream}/${shard}`,
      async (m) => {
        if (m.kind === "save") return save();
        if (m.kind === "extra") return logic.onExtra(m.msg, { caughtUp: lastSeq >= catchUpTo, lastSeq });
        // Stopping: what is not started is left to the next owner. seq <= lastSeq: a redelivery after a resubscribe.
        const taken = inbox.take(GROUP_MAX);
        if (inbox.size > 0) void actor.tell({ kind: "group" }).catch(() => undefined);
        if (stop.signal.aborted || tainted) return;
        const group = taken.filter((g) => g.seq > lastSeq);
        const last = group[group.length - 1];
        if (last === undefined) return;
        try {
          await logic.onStream(group, abandon.signal);
        } catch (err) {
          if (err instanceof RetryAbortedError || err instanceof LeaseExpiredError) {
            // Its ownership abandons the shard at its next beat (a lapsed lease is never renewed).
            if (!tainted) log.warn("shard gave up on a message; it stops until claimed again", { seq: group[0]?.seq, err: describe(err) });
            tainted = true;
            return;
          }
          // Not a transport error (those are retried): a message this shard cannot read. Skip it, loudly.
          log.error("shard messages cannot be handled; skipping them", { from: group[0]?.seq, to: last.seq, err: describe(err) });
        }
        lastSeq = last.seq;
        pendingAfter = last.pending;
      },
      { capacity: 8, onError: (err, a) => log.warn("shard task failed", { actor: a, err: describe(err) }) },
    );
    const consumer = this.o.feed(
      this.o.subjectOf(shard),
      seq,
      async (s, data, pending) => {
        this.o.onPending?.(shard, pending);
        if (await inbox.put({ seq: s, data, pending })) await actor.tell({ kind: "group" });
      },
      stop.signal,
      log,
    );
    const timer = setInterval(() => void actor.tell({ kind: "save" }).catch(() => undefined), this.o.snapshotEveryMs ?? 30_000);
    const progress = (): ShardProgress => ({ clock: logic.clock?.() ?? 0, pending: pendingAfter });
    this.running.set(shard, { actor, consumer, timer, stop, abandon, progress });
  }

  /** Stops acting for the shard at once (its lease is lost): nothing more is published or saved. */
  abandon(shard: number): void {
    const r = this.running.get(shard);
    if (r === undefined) return;
    this.running.delete(shard);
    clearInterval(r.timer);
    r.abandon.abort();
    r.stop.abort();
    r.consumer.stop();
    void r.actor.stop();
  }

  /** Gives up on every shard (a hand-over past its deadline): no shard saves a snapshot after it. */
  abandonAll(): void {
    for (const s of [...this.running.keys()]) this.abandon(s);
  }

  async stop(shard: number): Promise<void> {
    const r = this.running.get(shard);
    if (r === undefined || r.stop.signal.aborted) return;
    clearInterval(r.timer);
    r.stop.abort();
    r.consumer.stop();
    await r.consumer.done;
    if (!r.abandon.signal.aborted) await r.actor.tell({ kind: "save" }).catch(() => undefined);
    await r.actor.stop();
    if (this.running.get(shard) === r) this.running.delete(shard);
  }
}

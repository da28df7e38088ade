/**
 * One shard this replica runs, as an object with its state in view: its logic, the last stream
 * sequence it handled, whether its state can still be trusted, and its phase. An actor takes its
 * stream messages a group at a time from its inbox, in order; a feed fills the inbox; a timer
 * asks for a periodic snapshot. shard-runner.ts starts and stops these.
 *
 *   running ──handOver()──▶ handing-over ──▶ stopped   (feed stopped, work in hand finished, snapshot saved)
 *      └─────────abandon()─────────────────▶ abandoned (at once: nothing more is published or saved)
 */
import { setMaxListeners } from "node:events";
import { setImmediate } from "node:timers/promises";
import { Actor } from "@meetuphype/actors";
import { type Logger } from "@meetuphype/log";
import { LeaseExpiredError, underLease } from "./fenced.js";
import type { ShardLease } from "./ownership-types.js";
import { describe, RetryAbortedError } from "@meetuphype/control-plane/retry";
import {
  GROUP_MAX,
  type ShardFeed,
  type ShardFeedFactory,
  type ShardInput,
  type ShardLogic,
  type ShardProgress,
  type StreamMessage,
} from "./shard-logic.js";
import type { SnapshotStorage } from "./snapshots.js";

/** Stream messages a shard's inbox holds at most before its feed waits. */
const INBOX_MAX = 4 * GROUP_MAX;

/** The stream messages that wait for their shard's actor. Putting waits while it is full. */
export class Inbox<M = Uint8Array> {
  private items: StreamMessage<M>[] = [];
  private space: (() => void)[] = [];

  constructor(private readonly max: number = INBOX_MAX) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds a message; resolves true when the inbox was empty (the actor needs a wake-up). */
  async put(m: StreamMessage<M>): Promise<boolean> {
    while (this.items.length >= this.max) await new Promise<void>((resolve) => this.space.push(resolve));
    this.items.push(m);
    return this.items.length === 1;
  }

  /** Takes the oldest `n` messages at most. */
  take(n: number): StreamMessage<M>[] {
    const group = this.items.length <= n ? this.items : this.items.slice(0, n);
    this.items = this.items.length <= n ? [] : this.items.slice(n);
    const waiting = this.space;
    this.space = [];
    for (const w of waiting) w();
    return group;
  }
}

export type RunningPhase = "running" | "handing-over" | "stopped" | "abandoned";

/** A save: periodic, or the last one of a hand-over (never skipped, and waited for). */
type Input<X> = ShardInput<X> | { readonly kind: "save"; readonly last: boolean };

export interface RunningShardOptions<X, M = Uint8Array> {
  readonly shard: number;
  readonly logic: ShardLogic<X, M>;
  /** The stream sequence its snapshot covers: the feed starts after it. */
  readonly seq: number;
  /** Where the stream stood when the shard started: until it gets there, it is catching up. */
  readonly catchUpTo: number;
  readonly lease: ShardLease;
  /** The snapshot's name in the store. */
  readonly name: string;
  readonly logger: Logger;
  readonly actorName: string;
  readonly subject: string;
  readonly feed: ShardFeedFactory<M>;
  readonly snapshots: SnapshotStorage;
  /** Save a snapshot this often while running; 0: only at a hand-over (one process, nothing to recover). */
  readonly snapshotEveryMs: number;
  /**
   * When the first periodic snapshot is due, as a part of `snapshotEveryMs` (0 to 1): shards
   * that start together then do not all save at once. @default a random part
   */
  readonly snapshotPhase?: number;
  readonly onPending: (pending: number) => void;
  readonly onSaved: () => void;
}

export class RunningShard<X, M = Uint8Array> {
  private state: RunningPhase = "running";
  /** The last stream sequence handled; the snapshot covers up to it. */
  private lastSeq: number;
  /** Messages of the stream still pending after `lastSeq`, as its feed last said. */
  private pendingAfter = 0;
  /**
   * False once a message could not be finished: the state in memory then holds effects that were
   * not all acknowledged, so it is never saved; the next owner replays from the last snapshot.
   */
  private trusted = true;
  private readonly inbox = new Inbox<M>();
  private readonly actor: Actor<Input<X>>;
  private readonly feed: ShardFeed;
  private timer: NodeJS.Timeout | undefined;
  /** Stops the feed: messages not yet started are left to the next owner. */
  private readonly stopping = new AbortController();
  private closed = false;
  /** Gives up on the message in hand (its publishes stop retrying). */
  private readonly giveUp = new AbortController();
  /** The snapshot uploads, one after the other; the actor goes on while they travel. */
  private uploads: Promise<void> = Promise.resolve();
  /** Uploads started and not yet finished. */
  private uploading = 0;

  constructor(private readonly o: RunningShardOptions<X, M>) {
    this.lastSeq = o.seq;
    // Every publish of the message in hand listens to it (one per counter shard).
    setMaxListeners(0, this.giveUp.signal);
    this.actor = new Actor<Input<X>>(o.actorName, (m) => this.handle(m), {
      capacity: 8,
      onError: (err, a) => o.logger.warn("shard task failed", { actor: a, err: describe(err) }),
    });
    this.feed = o.feed(
      o.subject,
      o.seq,
      async (seq, data, pending) => {
        o.onPending(pending);
        if (await this.inbox.put({ seq, data, pending })) await this.actor.tell({ kind: "group" });
      },
      this.stopping.signal,
      o.logger,
    );
    // The first save comes between half a period and one and a half after the start, then once a period.
    if (o.snapshotEveryMs <= 0) return;
    const first = o.snapshotEveryMs * (0.5 + (o.snapshotPhase ?? Math.random()));
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.askToSave(), o.snapshotEveryMs);
      this.askToSave();
    }, first);
  }

  get phase(): RunningPhase {
    return this.state;
  }

  /** The lease the shard runs under. */
  get lease(): ShardLease {
    return this.o.lease;
  }

  progress(): ShardProgress {
    return { clock: this.o.logic.clock?.() ?? 0, pending: this.pendingAfter };
  }

  /**
   * Resolves once the shard has handled every extra and every stream message whose delivery has
   * finished (a group taken leaves the rest of the inbox to a wake-up it sends before it ends).
   */
  idle(): Promise<void> {
    return this.actor.idle();
  }

  /** An extra message (a rank request, a tick), in order with the stream's. */
  extra(msg: X): Promise<void> {
    return this.actor.tell({ kind: "extra", msg });
  }

  /** Hand-over: stops the feed, finishes what is in hand, saves the snapshot. */
  async handOver(): Promise<void> {
    if (this.state !== "running") return;
    this.state = "handing-over";
    clearTimeout(this.timer);
    this.stopping.abort();
    this.feed.stop();
    await this.feed.done;
    await this.actor.tell({ kind: "save", last: true }).catch(() => undefined);
    await this.actor.stop();
    this.close();
    if (this.state === "handing-over") this.state = "stopped";
  }

  /** At once: nothing more is published or saved (the lease is lost, or a hand-over ran out of time). */
  abandon(): void {
    if (this.state === "abandoned" || this.state === "stopped") return;
    this.state = "abandoned";
    clearTimeout(this.timer);
    this.giveUp.abort();
    this.stopping.abort();
    this.feed.stop();
    void this.actor.stop().then(() => this.close());
  }

  /** The logic's close, once, when nothing of it runs any more. */
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.logic.close?.();
  }

  private askToSave(): void {
    void this.actor.tell({ kind: "save", last: false }).catch(() => undefined);
  }

  private handle(m: Input<X>): Promise<void> {
    if (m.kind === "save") return this.save(m.last);
    if (m.kind === "extra") return this.o.logic.onExtra(m.msg, { caughtUp: this.lastSeq >= this.o.catchUpTo, lastSeq: this.lastSeq });
    return this.nextGroup();
  }

  private async nextGroup(): Promise<void> {
    const taken = this.inbox.take(GROUP_MAX);
    if (this.inbox.size > 0) void this.actor.tell({ kind: "group" }).catch(() => undefined);
    // Stopping: what is not started is left to the next owner. seq <= lastSeq: a redelivery after a resubscribe.
    if (this.stopping.signal.aborted || !this.trusted) return;
    const group = taken.filter((g) => g.seq > this.lastSeq);
    const last = group[group.length - 1];
    if (last === undefined) return;
    try {
      await this.o.logic.onStream(group, this.giveUp.signal);
    } catch (err) {
      if (err instanceof RetryAbortedError || err instanceof LeaseExpiredError) {
        // Its ownership abandons the shard at its next beat (a lapsed lease is never renewed).
        if (this.trusted)
          this.o.logger.warn("shard gave up on a message; it stops until claimed again", { seq: group[0]?.seq, err: describe(err) });
        this.trusted = false;
        return;
      }
      // Not a transport error (those are retried): a message this shard cannot read. Skip it, loudly.
      this.o.logger.error("shard messages cannot be handled; skipping them", { from: group[0]?.seq, to: last.seq, err: describe(err) });
    }
    this.lastSeq = last.seq;
    this.pendingAfter = last.pending;
  }

  /**
   * Fenced: a replica whose lease is no longer valid never overwrites the snapshot of the shard's
   * next owner. The state is encoded here, in the actor, so that it is that of `lastSeq`; its
   * upload then travels while the actor goes on (a ranking no longer waits for the object
   * store's acknowledgements), after any upload before it. A periodic save while the last one is
   * still on its way is left to the next period; a hand-over's is waited for.
   */
  private async save(last: boolean): Promise<void> {
    const { lease, name } = this.o;
    if (!this.trusted || this.state === "abandoned" || !lease.valid()) return;
    if (!last && this.uploading > 0) return;
    // Encoded in parts, with a turn of the event loop after each: a replica with a million live
    // versions spent seconds in one turn here, its lease renewals waiting behind (docs/architecture.md).
    const parts: Uint8Array[] = [];
    for (const part of this.o.logic.snapshot(this.lastSeq)) {
      parts.push(part);
      await setImmediate();
      if (this.phase === "abandoned") return; // while it yielded
    }
    const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    this.uploading++;
    const upload = this.uploads
      .then(() =>
        underLease(lease, `saving snapshot ${name}`, () => this.o.snapshots.save(name, bytes), {
          logger: this.o.logger,
          signal: this.giveUp.signal,
        }),
      )
      .then(this.o.onSaved, (err: unknown) => {
        if (!(err instanceof LeaseExpiredError)) throw err;
      })
      .finally(() => this.uploading--);
    this.uploads = upload.catch((err: unknown) => {
      if (!last) this.o.logger.warn("saving a periodic snapshot failed", { shard: this.o.shard, err: describe(err) });
    });
    if (last) await upload;
  }
}

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
import type { JetStreamClient } from "nats";
import { KnownError } from "@meetuphype/core";
import type { Logger } from "@meetuphype/log";
import { describe } from "@meetuphype/control-plane/retry";
import { LeaseExpiredError } from "./fenced.js";
import type { ShardLease, ShardRunner } from "./ownership-types.js";
import { RunningShard } from "./running-shard.js";
import { ShardConsumer } from "./shard-consumer.js";
import type { ShardFeedFactory, ShardLogic, ShardProgress } from "./shard-logic.js";
import type { SnapshotStorage } from "./snapshots.js";

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

/**
 * A step of a shard's start failed. It names the shard and the step, so that a replica that
 * cannot start shards says whether its snapshot or its stream could not be read. A bare NATS
 * "503" (no server answered) is the most common cause after broker faults, and it says nothing
 * by itself; the cause is kept.
 */
export class ShardStartError extends KnownError {
  readonly code = "SHARD_START_FAILED";
  /** The shard stays free, and a later claim tries again. */
  readonly retriable = true;
  constructor(
    readonly shard: number,
    readonly step: string,
    cause: unknown,
  ) {
    super(`shard ${shard}: ${step} failed: ${describe(cause)}${noResponders(cause) ? NO_RESPONDERS_HINT : ""}`, { cause });
  }
}

const NO_RESPONDERS_HINT =
  " (no NATS server answered the JetStream request: JetStream is not ready, or has no leader for the stream, on the server this replica is connected to)";

/** A NATS request no server answered (nats.js gives it the code "503"). */
const noResponders = (err: unknown): boolean => err instanceof Error && "code" in err && String(err.code) === "503";

/** `run`, with a failure named as `step` of `shard`'s start. */
async function startStep<T>(shard: number, step: string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new ShardStartError(shard, step, err);
  }
}

export class JetStreamShards<X> implements ShardRunner {
  private readonly running = new Map<number, RunningShard<X>>();
  private readonly saved = new Map<number, number>();

  constructor(private readonly o: JetStreamShardsOptions<X>) {}

  /** Where each running shard stands (shards being handed over are left out). */
  progress(): Map<number, ShardProgress> {
    const out = new Map<number, ShardProgress>();
    for (const [s, r] of this.running) if (r.phase === "running") out.set(s, r.progress());
    return out;
  }

  /** The lease each shard runs under, handing-over ones included (they still act until saved). */
  leases(): Map<number, ShardLease> {
    return new Map([...this.running].map(([s, r]) => [s, r.lease]));
  }

  /** When the shard's last snapshot was saved by this replica (ms since the epoch), if it was. */
  savedAt(shard: number): number | undefined {
    return this.saved.get(shard);
  }

  /** Delivers an extra message to every running shard, in order with its stream messages. */
  async broadcast(msg: X): Promise<void> {
    const live = [...this.running.values()].filter((r) => r.phase === "running");
    await Promise.all(live.map((r) => r.extra(msg)));
  }

  async start(shard: number, lease: ShardLease, gaveUp?: AbortSignal): Promise<void> {
    if (this.running.has(shard)) return;
    const name = this.o.snapshotName(shard);
    const logger = this.o.logger.child({ shard, epoch: lease.epoch });
    const snapshot = await startStep(shard, `loading its snapshot ${name}`, () => this.o.snapshots.load(name, gaveUp));
    const { logic, seq } = await startStep(shard, `restoring its state from snapshot ${name}`, () => this.o.create(shard, snapshot, lease));
    // A shard that resumes from an older snapshot replays its stream; until it has reached where
    // the stream stood at its start, its state is behind, and it says so to extra messages.
    const catchUpTo = await startStep(shard, `reading the last sequence of ${this.o.subjectOf(shard)}`, () => this.o.lastSeqOf(shard));
    // The lease may have lapsed while the snapshot loaded (a stalled process): then start nothing.
    if (!lease.valid()) throw new LeaseExpiredError(`starting shard ${shard}`);
    const running = new RunningShard<X>({
      shard,
      logic,
      seq,
      catchUpTo,
      lease,
      name,
      logger,
      actorName: `${this.o.stream}/${shard}`,
      subject: this.o.subjectOf(shard),
      feed: this.o.feed,
      snapshots: this.o.snapshots,
      snapshotEveryMs: this.o.snapshotEveryMs ?? 30_000,
      onPending: (pending) => this.o.onPending?.(shard, pending),
      onSaved: () => void this.saved.set(shard, Date.now()),
    });
    this.running.set(shard, running);
  }

  /** Stops acting for the shard at once (its lease is lost): nothing more is published or saved. */
  abandon(shard: number): void {
    const r = this.running.get(shard);
    if (r === undefined) return;
    this.running.delete(shard);
    r.abandon();
  }

  /** Gives up on every shard (a hand-over past its deadline): no shard saves a snapshot after it. */
  abandonAll(): void {
    for (const s of [...this.running.keys()]) this.abandon(s);
  }

  async stop(shard: number): Promise<void> {
    const r = this.running.get(shard);
    if (r === undefined || r.phase !== "running") return;
    await r.handOver();
    if (this.running.get(shard) === r) this.running.delete(shard);
  }
}

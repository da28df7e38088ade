/**
 * What a stage implements to run as a shard (`ShardLogic`), what it is fed (stream messages,
 * grouped), and the feed's port (`ShardFeed`): the contract between a stage and the shard
 * runtime (shard-runner.ts, running-shard.ts).
 */
import type { Logger } from "@meetuphype/log";

/**
 * One message of a shard's stream: its bytes from JetStream, or (embedded mode's in-process
 * transport) the message itself, `M`.
 */
export interface StreamMessage<M = Uint8Array> {
  readonly seq: number;
  readonly data: M;
  /** Messages of the shard's subject still pending after this one. */
  readonly pending: number;
}

/** A message for a shard actor: take the next group of stream messages, or an extra one (a rank request, a tick). */
export type ShardInput<X> = { readonly kind: "group" } | { readonly kind: "extra"; readonly msg: X };

/** Stream messages handled together at most. */
export const GROUP_MAX = 64;

export interface ShardLogic<X, M = Uint8Array> {
  /**
   * Handles a group of stream messages, in order; resolves when their outputs are
   * acknowledged. It retries its publishes until `signal` aborts (the shard is
   * stopping); then it rejects with RetryAbortedError, and the shard's state is no
   * longer trusted.
   */
  onStream(group: readonly StreamMessage<M>[], signal: AbortSignal): Promise<void>;
  /**
   * Handles an extra message. `at.caughtUp` tells whether the shard has handled every
   * message its stream held when it started; `at.lastSeq` is the last one it handled.
   */
  onExtra(msg: X, at: { readonly caughtUp: boolean; readonly lastSeq: number }): Promise<void>;
  /**
   * The shard's state after `seq`, as parts whose bytes, one after the other, are the snapshot.
   * The runtime lets other work run between parts (lease renewals above all), so a large state is
   * best given in parts of a megabyte or so, read only as each is asked for; nothing else of the
   * shard runs until the last part is taken.
   */
  snapshot(seq: number): Iterable<Uint8Array>;
  /** The trending clock of the last message handled (for the progress the shard reports). */
  clock?(): number;
  /**
   * Called once when the shard has stopped (handed over, or abandoned), after its last message:
   * lets go of what its state holds outside itself (dedup's key sets in the process's pool).
   */
  close?(): void;
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
export type ShardFeedFactory<M = Uint8Array> = (
  subject: string,
  after: number,
  deliver: (seq: number, data: M, pending: number) => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
) => ShardFeed;

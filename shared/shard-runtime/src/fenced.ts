/**
 * A shard's effects under its lease, in one place. Every JetStream publish and core NATS
 * message a stage sends for a shard, and every snapshot the runtime saves for it, goes
 * through here: refused once the lease is no longer valid (another replica may own the shard
 * by now), and stamped by the stage with `epoch`, which receivers use to ignore a replica
 * that lost its lease (fencing).
 */
import { KnownError } from "@meetuphype/core";
import type { Logger } from "@meetuphype/log";
import type { PublishAck } from "@meetuphype/control-plane";
import { retry } from "@meetuphype/control-plane/retry";
import type { ShardLease } from "./ownership-types.js";

/** An effect was not made because the shard's lease is no longer valid (fencing). */
export class LeaseExpiredError extends KnownError {
  readonly code = "LEASE_EXPIRED";
  readonly retriable = false;
  constructor(what: string) {
    super(`${what}: not done, the shard's lease is no longer valid`);
  }
}

/**
 * Makes an effect under `lease`: `attempt` is retried until it succeeds, each try only while the
 * lease is valid. Rejects with LeaseExpiredError once it is not (before an attempt, never after
 * a success), and with RetryAbortedError when `signal` aborts.
 */
export function underLease<T>(
  lease: ShardLease,
  what: string,
  attempt: () => Promise<T>,
  o: { readonly logger: Logger; readonly signal: AbortSignal },
): Promise<T> {
  return retry(
    () => {
      if (!lease.valid()) throw new LeaseExpiredError(what);
      return attempt();
    },
    { what, logger: o.logger, signal: o.signal, isFinal: (e) => e instanceof LeaseExpiredError },
  );
}

export interface AckedPublisher {
  publish(subject: string, data: Uint8Array, msgID: string): Promise<PublishAck>;
}

export interface CorePublisher {
  publish(subject: string, data: Uint8Array): void;
}

export class FencedEffects {
  constructor(
    private readonly lease: ShardLease,
    private readonly js: AckedPublisher,
    private readonly core: CorePublisher,
    private readonly logger: Logger,
  ) {}

  /** The lease's epoch: what the stage puts in every message it sends for the shard. */
  get epoch(): number {
    return this.lease.epoch;
  }

  /** Whether the shard may still act (its lease is valid). */
  valid(): boolean {
    return this.lease.valid();
  }

  /**
   * Publishes to JetStream with message id `msgID`, retried with the same id until acknowledged.
   * Rejects with LeaseExpiredError once the lease is no longer valid (before an attempt, never
   * after an acknowledgement), and with RetryAbortedError when `signal` aborts (the shard stops).
   */
  publish(subject: string, data: Uint8Array, msgID: string, signal: AbortSignal): Promise<PublishAck> {
    return underLease(this.lease, `publish to ${subject}`, () => this.js.publish(subject, data, msgID), { logger: this.logger, signal });
  }

  /** Sends a core NATS message (no acknowledgement) while the lease is valid; says whether it went. */
  emit(subject: string, data: Uint8Array): boolean {
    if (!this.lease.valid()) return false;
    this.core.publish(subject, data);
    return true;
  }
}

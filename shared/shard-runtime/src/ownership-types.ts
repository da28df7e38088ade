/** The ports of the ownership protocol: what it asks of a shard runner and of time, and its errors. */
import { KnownError } from "@meetuphype/core";

/** What a running shard may ask of its lease. */
export interface ShardLease {
  readonly epoch: number;
  /** Whether this replica may still act for the shard: publish effects, save snapshots. */
  valid(): boolean;
}

export interface ShardRunner {
  /**
   * Loads the shard's snapshot and starts consuming after the sequence it covers. If `lease` is
   * no longer valid once it is loaded, it starts nothing and rejects: the ownership gives up on a
   * start that takes longer than the lease stays valid, and may have claimed the shard anew.
   * `gaveUp` aborts when it does: what the start still waits for (a snapshot read) can stop.
   */
  start(shard: number, lease: ShardLease, gaveUp?: AbortSignal): Promise<void>;
  /** Hand-over: stops consuming, finishes what is in hand, saves the snapshot. */
  stop(shard: number): Promise<void>;
  /** At once: stops acting for the shard and saves nothing (the lease is lost or about to expire). */
  abandon(shard: number): void;
}

export interface Timers {
  now(): number;
  /** Resolves after `ms`; once `signal` aborts, never (and its timer is gone). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted === true) return;
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => clearTimeout(timer), { once: true });
    }),
};

export class OperationTimeoutError extends KnownError {
  readonly code = "KV_TIMEOUT";
  readonly retriable = true;
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

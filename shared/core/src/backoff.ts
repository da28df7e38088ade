/**
 * The one backoff policy of the project: capped exponential delays with ±20 % jitter, and
 * whether to give up. Every wait before trying again uses it (broker operations, the Kafka
 * consumer's restarts, shard resubscriptions, gRPC reconnects), each with its own numbers.
 * Pure: the caller counts failures, draws `random` and sleeps.
 */
export interface Backoff {
  /** The wait after the first failure. */
  readonly firstDelayMs: number;
  /** The longest wait. */
  readonly maxDelayMs: number;
  /** Failures in a row tolerated before giving up; negative: never give up. @default -1 */
  readonly retries?: number;
}

/** The wait after `failures` failures in a row (failures ≥ 1), or undefined to give up. `random` in [0, 1). */
export function backoffDelay(policy: Backoff, failures: number, random: number): number | undefined {
  const retries = policy.retries ?? -1;
  if (retries >= 0 && failures > retries) return undefined;
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  // ±20 %: many clients of one restarted server do not all come back in the same instant.
  return Math.round(base * (0.8 + 0.4 * random));
}

/**
 * Retrying a broker operation until it succeeds. Transport errors (a timeout, a
 * lost connection, a broker restarting) never take a "log and go on" path: the
 * operation is retried with the project's backoff (core's backoff.ts), with a warning that names
 * what is being retried, until it succeeds, the caller gives up (`signal`), or
 * the error is one retrying cannot fix (`isFinal`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay, KnownError, type Backoff } from "@meetuphype/core";
import type { Logger } from "@meetuphype/log";

export interface RetryOptions {
  /** What is being done, for the log line: "publish to mh.dedup.3". */
  readonly what: string;
  readonly logger: Logger;
  /** Stops retrying (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Errors that retrying cannot fix: thrown at once. @default none */
  readonly isFinal?: (err: unknown) => boolean;
  /** Runs between attempts (a Kafka heartbeat); its errors are ignored. */
  readonly between?: () => unknown;
  /** The first wait. @default 100 */
  readonly minMs?: number;
  /** The longest wait. @default 5000 */
  readonly maxMs?: number;
  readonly fields?: Readonly<Record<string, unknown>>;
  /** A line on what may be wrong, added to the warning (a secured listener talked to in the clear). */
  readonly hint?: (err: unknown) => string | undefined;
}

/** Thrown when a retry loop was stopped by its signal (a shard stopping, a service shutting down). */
export class RetryAbortedError extends KnownError {
  readonly code = "RETRY_ABORTED";
  readonly retriable = false;
  constructor(what: string, cause: unknown) {
    super(`gave up on ${what}: stopped`, { cause });
  }
}

/** Logs the first failure and then at most one line every `everyMs`. */
function throttledWarn(o: RetryOptions, everyMs = 5000): (err: unknown, attempt: number) => void {
  let last = -Infinity;
  return (err, attempt) => {
    const t = Date.now();
    if (t - last < everyMs) return;
    last = t;
    const hint = o.hint?.(err);
    o.logger.warn(`${o.what} failed; retrying`, { ...o.fields, attempt, err: describe(err), ...(hint !== undefined ? { hint } : {}) });
  };
}

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = "code" in err && (typeof err.code === "string" || typeof err.code === "number") ? ` (${err.code})` : "";
  return `${err.name}: ${err.message}${code}`;
}

export async function retry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const policy: Backoff = { firstDelayMs: o.minMs ?? 100, maxDelayMs: o.maxMs ?? 5000 };
  let warn: ((err: unknown, attempt: number) => void) | undefined;
  let failures = 0;
  const stopped = (): boolean => o.signal?.aborted === true;
  for (;;) {
    if (stopped()) throw new RetryAbortedError(o.what, o.signal?.reason);
    try {
      const out = await fn();
      if (failures > 0) o.logger.info(`${o.what} succeeded after ${failures} failed attempt${failures === 1 ? "" : "s"}`, o.fields);
      return out;
    } catch (err) {
      if (stopped()) throw new RetryAbortedError(o.what, err);
      if (o.isFinal?.(err) === true) throw err instanceof Error ? err : new Error(String(err));
      failures++;
      (warn ??= throttledWarn(o))(err, failures);
      try {
        await o.between?.();
      } catch {
        // a failing heartbeat shows up in the next attempt
      }
      const delay = backoffDelay(policy, failures, Math.random()) ?? policy.maxDelayMs;
      await sleep(delay, undefined, o.signal !== undefined ? { signal: o.signal } : {}).catch(() => undefined);
    }
  }
}

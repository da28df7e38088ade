/**
 * Retrying a broker operation until it succeeds. Transport errors (a timeout, a
 * lost connection, a broker restarting) never take a "log and go on" path: the
 * operation is retried with capped exponential backoff, with a warning that names
 * what is being retried, until it succeeds, the caller gives up (`signal`), or
 * the error is one retrying cannot fix (`isFinal`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import type { Logger } from "@meetuphype/actors";

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
  /** @default 100 */
  readonly minMs?: number;
  /** @default 5000 */
  readonly maxMs?: number;
  readonly fields?: Readonly<Record<string, unknown>>;
  /** A line on what may be wrong, added to the warning (a secured listener talked to in the clear). */
  readonly hint?: (err: unknown) => string | undefined;
}

/** Thrown when a retry loop was stopped by its signal (a shard stopping, a service shutting down). */
export class RetryAbortedError extends Error {
  readonly code = "RETRY_ABORTED";
  readonly retriable = false;
  constructor(what: string, cause: unknown) {
    super(`gave up on ${what}: stopped`, { cause });
    this.name = "RetryAbortedError";
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
  // The first attempt runs here, directly: nearly every call succeeds at once (a publish on the
  // hot path), and the retry loop's bookkeeping is only worth paying once something failed.
  if (o.signal?.aborted === true) return retryLoop(fn, o, undefined);
  try {
    return await fn();
  } catch (err) {
    if (o.isFinal?.(err) === true) throw err instanceof Error ? err : new Error(String(err));
    return retryLoop(fn, o, { error: err });
  }
}

/** After a failed first attempt (or when already stopped): backoff, warnings, `between`, until success or `signal`. */
async function retryLoop<T>(fn: () => Promise<T>, o: RetryOptions, first: { readonly error: unknown } | undefined): Promise<T> {
  const warn = throttledWarn(o);
  const before = first === undefined ? 0 : 1;
  if (first !== undefined && o.signal?.aborted !== true) {
    warn(first.error, 1);
    try {
      await o.between?.();
    } catch {
      // a failing heartbeat shows up in the next attempt
    }
    await sleep((o.minMs ?? 100) * (1 + Math.random()), undefined, o.signal ? { signal: o.signal } : {}).catch(() => undefined);
  }
  let failures = before;
  try {
    const out = await pRetry(
      async () => {
        if (o.signal?.aborted === true) throw new AbortError(new RetryAbortedError(o.what, o.signal.reason));
        try {
          return await fn();
        } catch (err) {
          if (o.isFinal?.(err) === true) throw new AbortError(err instanceof Error ? err : new Error(String(err)));
          // p-retry never retries a TypeError; here one from a transport is as transient as any other error.
          throw err instanceof Error && !(err instanceof TypeError) ? err : new Error(describe(err), { cause: err });
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: o.minMs ?? 100,
        maxTimeout: o.maxMs ?? 5000,
        factor: 2,
        randomize: true,
        ...(o.signal !== undefined ? { signal: o.signal } : {}),
        onFailedAttempt: async ({ error, attemptNumber }) => {
          failures = attemptNumber + before;
          if (o.signal?.aborted !== true) warn(error, failures);
          try {
            await o.between?.();
          } catch {
            // a failing heartbeat shows up in the next attempt
          }
        },
      },
    );
    if (failures > 0) o.logger.info(`${o.what} succeeded after ${failures} failed attempt${failures === 1 ? "" : "s"}`, o.fields);
    return out;
  } catch (err) {
    if (o.signal?.aborted === true && !(err instanceof RetryAbortedError)) throw new RetryAbortedError(o.what, err);
    throw err;
  }
}

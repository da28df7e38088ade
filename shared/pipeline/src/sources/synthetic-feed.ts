/** The synthetic source as batches: as fast as possible, or paced to `rate` records per wall-clock second. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "@meetuphype/actors";
import { SyntheticSource } from "./synthetic.js";

export interface SyntheticFeedOptions {
  readonly seed: number;
  /** Records per second (of virtual time, and of wall time when paced). */
  readonly rate: number;
  /** Stop after this many records; 0 = endless. */
  readonly count: number;
  /** Pace to the wall clock, with virtual time starting now (live), or go as fast as possible. */
  readonly paced: boolean;
  /** Lines per batch at most. @default 5000 */
  readonly maxBatch?: number;
}

export async function* syntheticBatches(o: SyntheticFeedOptions, clock: Clock, signal: AbortSignal): AsyncGenerator<string[]> {
  const started = clock.now();
  const src = new SyntheticSource({ seed: o.seed, rate: o.rate, startMs: o.paced ? started : undefined });
  const limit = o.count === 0 ? Infinity : o.count;
  const maxBatch = o.maxBatch ?? 5000;
  let sent = 0;
  while (!signal.aborted && sent < limit) {
    const due = o.paced ? Math.min(limit, Math.floor(((clock.now() - started) / 1000) * o.rate) + 1) : limit;
    const n = Math.min(due - sent, maxBatch);
    if (n <= 0) {
      await sleep(Math.max(10, Math.min(100, 1000 / o.rate)), undefined, { signal }).catch(() => undefined);
      continue;
    }
    yield Array.from({ length: n }, () => src.next());
    sent += n;
  }
}

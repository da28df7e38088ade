/** Feeding the pipeline: from a file or standard input as fast as it goes, or from the synthetic generator. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "@meetuphype/actors";
import { lineBatches, SyntheticSource } from "@meetuphype/pipeline";
import type { OpenedInput } from "./io.js";
import type { Progress } from "@meetuphype/pipeline";

export interface Sink {
  push(lines: readonly string[]): Promise<void>;
}

const BATCH = 1000;

/** Reads every line of `input` into `sink`; returns the number of lines read. */
export async function feedInput(sink: Sink, input: OpenedInput, progress: Progress | undefined, signal: AbortSignal): Promise<number> {
  let lines = 0;
  let bytes = 0;
  for await (const batch of lineBatches(input.stream, { batchLines: BATCH, onBytes: (b) => (bytes = b) })) {
    await sink.push(batch);
    lines += batch.length;
    progress?.update(bytes, lines);
    if (signal.aborted) break;
  }
  progress?.finish(lines);
  return lines;
}

export interface SyntheticFeed {
  readonly seed: number;
  readonly rate: number;
  /** Stop after this many records; 0 = endless. */
  readonly count: number;
  /** Pace to `rate` records per wall-clock second (live), or go as fast as possible. */
  readonly paced: boolean;
}

/** Feeds the synthetic generator; returns the number of lines sent. */
export async function feedSynthetic(sink: Sink, opts: SyntheticFeed, clock: Clock, signal: AbortSignal): Promise<number> {
  const started = clock.now();
  const src = new SyntheticSource({ seed: opts.seed, rate: opts.rate, startMs: opts.paced ? started : undefined });
  const limit = opts.count === 0 ? Infinity : opts.count;
  let sent = 0;
  while (!signal.aborted && sent < limit) {
    const due = opts.paced ? Math.min(limit, Math.floor(((clock.now() - started) / 1000) * opts.rate) + 1) : limit;
    const n = Math.min(due - sent, BATCH * 5);
    if (n <= 0) {
      await sleep(Math.max(10, Math.min(100, 1000 / opts.rate)), undefined, { signal }).catch(() => undefined);
      continue;
    }
    const batch: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) batch[i] = src.next();
    await sink.push(batch);
    sent += n;
  }
  return sent;
}

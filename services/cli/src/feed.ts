/** Feeding the pipeline: from a file or standard input as fast as it goes, or from the synthetic generator. */
import type { Clock } from "@meetuphype/actors";
import { lineBatches, syntheticBatches, type ReadProgress, type SyntheticFeedOptions } from "@meetuphype/pipeline";
import type { OpenedInput } from "./io.js";

export interface Sink {
  /** `at`: where the lines sit in the input (a Kafka batch); by default they follow the lines before them in partition 0. */
  push(lines: readonly string[], at?: { readonly partition: number; readonly offsets: readonly number[] }): Promise<void>;
}

const BATCH = 1000;

/** Reads every line of `input` into `sink`; returns the number of lines read. */
export async function feedInput(sink: Sink, input: OpenedInput, progress: ReadProgress | undefined, signal: AbortSignal): Promise<number> {
  let lines = 0;
  let bytes = 0;
  // A stop (SIGTERM) must not wait for more input: standard input may stay open for ever.
  const stop = (): void => void input.stream.destroy();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const batch of lineBatches(input.stream, { batchLines: BATCH, onBytes: (b) => (bytes = b) })) {
      await sink.push(batch);
      lines += batch.length;
      progress?.update(bytes, lines);
      if (signal.aborted) break;
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener("abort", stop);
  }
  progress?.finish(lines);
  return lines;
}

/** Feeds the synthetic generator; returns the number of lines sent. */
export async function feedSynthetic(sink: Sink, opts: SyntheticFeedOptions, clock: Clock, signal: AbortSignal): Promise<number> {
  let sent = 0;
  for await (const batch of syntheticBatches(opts, clock, signal)) {
    await sink.push(batch);
    sent += batch.length;
  }
  return sent;
}

/**
 * Feeding the pipeline: from a file or standard input as fast as it goes (a file read on the
 * parse thread when there is one), or from the synthetic generator.
 */
import type { Clock } from "@meetuphype/actors";
import {
  lineBatches,
  ParseThreadError,
  syntheticBatches,
  type ParsedBatch,
  type FileBatch,
  type ParseThread,
  type ReadProgress,
  type SyntheticFeedOptions,
} from "@meetuphype/pipeline";
import type { Logger } from "@meetuphype/log";
import { openFile, type OpenedInput } from "./io.js";

export interface Sink {
  /** `at`: where the lines sit in the input (a Kafka batch); by default they follow the lines before them in partition 0. */
  push(lines: readonly string[], at?: { readonly partition: number; readonly offsets: readonly number[] }): Promise<void>;
}

/** A sink that also takes batches the parse thread read and validated itself. */
export interface ParsedSink extends Sink {
  pushParsed(batch: ParsedBatch, lines: number): Promise<void>;
}

/**
 * Lines per batch at most. A batch is split over the dedup shards and then their counter shards,
 * so each message of the pipeline carries a few of its records: with 1,000 lines `run --once` on
 * the million-record bench file took 5.9 to 6.3 s, with 2,000 5.0 to 5.3 s at the same peak RSS
 * (4,000: 4.8 to 5.1 s, 50 to 130 MiB more).
 */
export const FILE_BATCH_LINES = 2000;

/**
 * Reads every line of `input` into `sink`; returns the number of lines read. The first
 * `skipLines` are read and counted but not fed (they were fed before).
 */
export async function feedInput(
  sink: Sink,
  input: OpenedInput,
  progress: ReadProgress | undefined,
  signal: AbortSignal,
  skipLines = 0,
): Promise<number> {
  let lines = 0;
  let skip = skipLines;
  let bytes = 0;
  // A stop (SIGTERM) must not wait for more input: standard input may stay open for ever.
  const stop = (): void => void input.stream.destroy();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const batch of lineBatches(input.stream, { batchLines: FILE_BATCH_LINES, onBytes: (b) => (bytes = b) })) {
      const skipped = Math.min(skip, batch.length);
      skip -= skipped;
      if (skipped < batch.length) await sink.push(skipped === 0 ? batch : batch.slice(skipped));
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

/**
 * Reads the file at `path` on the parse threads (`ParseThread.readFile`): this thread takes their
 * batches already validated and never holds the file's lines. With several threads, each parses
 * its share of the batches (`FileShare`) and the batches are taken from each in turn, so they come
 * in file order. If a thread fails, the rest of the file is read here (`feedInput`) from the line
 * after the last batch taken, so no line is lost or fed twice. Returns the number of lines read.
 */
export async function feedFileOnThread(
  sink: ParsedSink,
  threads: readonly ParseThread[],
  input: OpenedInput & { readonly path: string },
  progress: ReadProgress | undefined,
  signal: AbortSignal,
  logger: Logger,
): Promise<number> {
  // The file is read on the threads; the stream opened to check it is not needed.
  input.stream.destroy();
  const of = threads.length;
  const reads = threads.map((t, index) => t.readFile(input.path, FILE_BATCH_LINES, { of, index }));
  // Every thread starts now, and each is asked for its next batch as soon as one is taken.
  const ask = (i: number): Promise<IteratorResult<FileBatch>> => {
    const next = reads[i]!.next();
    next.catch(() => undefined); // awaited in turn below
    return next;
  };
  const ahead = reads.map((_, i) => ask(i));
  let lines = 0;
  let bytes = 0;
  let failed: ParseThreadError | undefined;
  try {
    for (let k = 0; !signal.aborted; k++) {
      // Batch k is thread k % of's; the file ends where the thread whose turn it is ends.
      const i = k % of;
      const next = await ahead[i]!;
      if (next.done === true) break;
      ahead[i] = ask(i);
      const b = next.value;
      await sink.pushParsed(b.batch, b.lines);
      lines += b.lines;
      bytes = Math.max(bytes, b.bytes);
      progress?.update(bytes, lines);
    }
  } catch (err) {
    if (!(err instanceof ParseThreadError)) throw err;
    failed = err;
  } finally {
    await stopReads(reads);
  }
  if (failed !== undefined) {
    logger.warn("a parse thread failed; the rest of the file is read on the pipeline's thread", {
      file: input.path,
      fromLine: lines,
      err: failed,
    });
    // The pipeline parses here from now on, and says so (EmbeddedPipeline.fromParseThread).
    return feedInput(sink, await openFile(input.path), progress, signal, lines);
  }
  progress?.finish(lines);
  return lines;
}

/** Stops the threads' reads (a read that ended or failed is not affected). */
async function stopReads(reads: readonly AsyncGenerator<unknown>[]): Promise<void> {
  await Promise.all(reads.map((r) => r.return(undefined).catch(() => undefined)));
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

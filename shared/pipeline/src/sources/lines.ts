/**
 * Reads newline-delimited text from a stream in batches of lines. A line
 * longer than `maxLineChars` is cut to that length (it is over the model's
 * 1 MiB limit either way, so it is still rejected as too large) instead of
 * being held whole in memory.
 */
import type { Readable } from "node:stream";
import { Utf8Chunks } from "./utf8-chunks.js";

export interface LineBatchOptions {
  /** Lines per batch at most (fewer when the input pauses: nothing waits for a full batch). @default 1000 */
  readonly batchLines?: number;
  /** Longest line kept whole, in UTF-16 units. @default 1 MiB + 1 KiB */
  readonly maxLineChars?: number;
  /**
   * Every batch but the last holds exactly `batchLines` lines, whenever the input pauses: readers
   * of the same file then cut it into the same batches (a file never makes anyone wait).
   * @default false
   */
  readonly fullBatches?: boolean;
  /** Called after each chunk with the bytes read so far (characters, for a stream of strings). */
  readonly onBytes?: (bytes: number) => void;
}

export async function* lineBatches(input: Readable, opts: LineBatchOptions = {}): AsyncGenerator<string[]> {
  const batchLines = opts.batchLines ?? 1000;
  const maxChars = opts.maxLineChars ?? 1024 * 1024 + 1024;
  let partial = "";
  let oversize = false;
  let batch: string[] = [];
  let bytes = 0;
  const text = new Utf8Chunks();
  for await (const raw of input as AsyncIterable<Buffer | Uint8Array | string>) {
    bytes += raw.length;
    const chunk = text.write(raw);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl === -1) break;
      const piece = chunk.slice(start, nl);
      if (!oversize) batch.push(partial === "" ? piece : partial + piece);
      else batch.push(partial);
      partial = "";
      oversize = false;
      start = nl + 1;
      if (batch.length >= batchLines) {
        yield batch;
        batch = [];
      }
    }
    if (!oversize) {
      partial += chunk.slice(start);
      if (partial.length > maxChars) {
        partial = partial.slice(0, maxChars);
        oversize = true;
      }
    }
    opts.onBytes?.(bytes);
    // Nothing more has arrived (a pipe or a live stream between writes): what is complete
    // goes on now instead of waiting for a full batch, so a trickle is never held back.
    if (batch.length > 0 && !opts.fullBatches && input.readableLength === 0) {
      yield batch;
      batch = [];
    }
  }
  // A character the input's end cut short (a replacement character) ends the last line.
  const rest = text.end();
  if (rest !== "" && !oversize) partial += rest;
  if (partial !== "") batch.push(partial);
  if (batch.length > 0) yield batch;
}

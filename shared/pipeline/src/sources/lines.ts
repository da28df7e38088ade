/**
 * Reads newline-delimited input from a stream in batches of lines, as text (`lineBatches`) or as
 * each line's bytes (`byteLineBatches`, for readers that take bytes: `readRsvpBytes`). A line
 * longer than the limit is cut to it (it is over the model's 1 MiB limit either way, so it is
 * still rejected as too large) instead of being held whole in memory.
 */
import type { Readable } from "node:stream";
import { Utf8Chunks } from "./utf8-chunks.js";

export interface LineBatchOptions {
  /** Lines per batch at most (fewer when the input pauses: nothing waits for a full batch). @default 1000 */
  readonly batchLines?: number;
  /** Longest line kept whole, in UTF-16 units (in bytes for `byteLineBatches`). @default 1 MiB + 1 KiB */
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

/** What splitting needs of a chunk: a string or a Buffer. */
interface Pieces<T> {
  readonly empty: T;
  /** Where the next newline is at or after `from`, or -1. */
  newline(chunk: T, from: number): number;
  cut(chunk: T, from: number, to?: number): T;
  join(a: T, b: T): T;
}

const TEXT: Pieces<string> = {
  empty: "",
  newline: (chunk, from) => chunk.indexOf("\n", from),
  cut: (chunk, from, to) => chunk.slice(from, to),
  join: (a, b) => a + b,
};

const EMPTY = Buffer.alloc(0);
const BYTES: Pieces<Buffer> = {
  empty: EMPTY,
  newline: (chunk, from) => chunk.indexOf(0x0a, from),
  cut: (chunk, from, to) => chunk.subarray(from, to),
  join: (a, b) => (a.length === 0 ? b : Buffer.concat([a, b])),
};

/** The input's lines as text, in batches. */
export async function* lineBatches(input: Readable, opts: LineBatchOptions = {}): AsyncGenerator<string[]> {
  const text = new Utf8Chunks();
  async function* decoded(): AsyncGenerator<[string, number]> {
    for await (const raw of input as AsyncIterable<Buffer | Uint8Array | string>) yield [text.write(raw), raw.length];
    // A character the input's end cut short (a replacement character) ends the last line.
    yield [text.end(), 0];
  }
  yield* batches(decoded(), input, TEXT, opts);
}

/**
 * The input's lines as bytes (views into the chunks read, not copies), in batches: the same lines
 * as `lineBatches` gives, undecoded. A newline byte is never inside a UTF-8 character, and a
 * line decoded alone gives the same text as it does within the whole input.
 */
export async function* byteLineBatches(input: Readable, opts: LineBatchOptions = {}): AsyncGenerator<Buffer[]> {
  async function* chunks(): AsyncGenerator<[Buffer, number]> {
    for await (const raw of input as AsyncIterable<Buffer | Uint8Array | string>) {
      const bytes =
        typeof raw === "string"
          ? Buffer.from(raw, "utf8")
          : Buffer.isBuffer(raw)
            ? raw
            : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      yield [bytes, raw.length];
    }
  }
  yield* batches(chunks(), input, BYTES, opts);
}

async function* batches<T extends string | Buffer>(
  chunks: AsyncIterable<[T, number]>,
  input: Readable,
  p: Pieces<T>,
  opts: LineBatchOptions,
): AsyncGenerator<T[]> {
  const batchLines = opts.batchLines ?? 1000;
  const maxChars = opts.maxLineChars ?? 1024 * 1024 + 1024;
  let partial = p.empty;
  let oversize = false;
  let batch: T[] = [];
  let bytes = 0;
  for await (const [chunk, read] of chunks) {
    bytes += read;
    let start = 0;
    for (;;) {
      const nl = p.newline(chunk, start);
      if (nl === -1) break;
      const piece = p.cut(chunk, start, nl);
      if (!oversize) batch.push(partial.length === 0 ? piece : p.join(partial, piece));
      else batch.push(partial);
      partial = p.empty;
      oversize = false;
      start = nl + 1;
      if (batch.length >= batchLines) {
        yield batch;
        batch = [];
      }
    }
    if (!oversize && start < chunk.length) {
      partial = p.join(partial, p.cut(chunk, start));
      if (partial.length > maxChars) {
        partial = p.cut(partial, 0, maxChars);
        oversize = true;
      }
    }
    if (read === 0) continue; // the decoder's last word, not a chunk of the input
    opts.onBytes?.(bytes);
    // Nothing more has arrived (a pipe or a live stream between writes): what is complete
    // goes on now instead of waiting for a full batch, so a trickle is never held back.
    if (batch.length > 0 && !opts.fullBatches && input.readableLength === 0) {
      yield batch;
      batch = [];
    }
  }
  if (partial.length > 0) batch.push(partial);
  if (batch.length > 0) yield batch;
}

/**
 * Parsing on a second thread: `JSON.parse` and validation are most of the embedded pipeline's
 * work, so a worker thread does them for batch n+1 while this thread runs dedup and the
 * counters on batch n. Replies come back in the order the batches went out (one worker, one
 * queue), so the pipeline sees its input in order. A file can also be read by the thread itself
 * (`readFile`): then this thread neither decodes it nor copies its lines over.
 */
import { Worker } from "node:worker_threads";
import { KnownError } from "@meetuphype/core";
import type { ParsedBatch } from "./parsed-batch.js";

export interface ParseThreadOptions {
  readonly includeEventNames: boolean;
  readonly dedupShards: number;
}

/**
 * Which of a file's batches a thread parses when several threads share the file: batch k (counting
 * from 0, each of exactly the same number of lines but the last) when k % of === index. Each thread
 * reads the whole file (reading and splitting it costs little beside parsing), so the batches come
 * in file order when taken from thread 0, 1, ..., of - 1, 0, 1, ... in turn (`feedFileOnThread`).
 */
export interface FileShare {
  readonly of: number;
  readonly index: number;
}

/** Batches the thread reads of a file ahead of the ones taken from it, at most. */
export const FILE_AHEAD = 4;

export type ParseRequest =
  | { readonly kind: "lines"; readonly id: number; readonly lines: readonly string[] }
  | { readonly kind: "file"; readonly id: number; readonly path: string; readonly batchLines: number; readonly share: FileShare }
  | { readonly kind: "credit"; readonly id: number }
  | { readonly kind: "cancel"; readonly id: number };

/** What the thread says of the file read `id` (a reply of an earlier read, stopped, is dropped). */
type FileReply =
  | { readonly kind: "file-batch"; readonly id: number; readonly batch: ParsedBatch; readonly lines: number; readonly bytes: number }
  | { readonly kind: "file-end"; readonly id: number; readonly bytes: number }
  | { readonly kind: "file-error"; readonly id: number; readonly error: string }
  | { readonly kind: "file-failed"; readonly id: number; readonly error: string };

export type ParseReply =
  | { readonly kind: "batch"; readonly id: number; readonly batch: ParsedBatch }
  | { readonly kind: "error"; readonly id: number; readonly error: string }
  | FileReply;

/** One batch of a file the thread read and validated. */
export interface FileBatch {
  readonly batch: ParsedBatch;
  /** Lines in the batch, blank ones included (each is an offset of the input). */
  readonly lines: number;
  /** Bytes of the file read so far. */
  readonly bytes: number;
}

/** A parse thread's failure: its bug, or it exited. The batch it was parsing is not counted. */
export class ParseThreadError extends KnownError {
  readonly code = "PARSE_THREAD_FAILED";
  readonly retriable = false;
}

/** The file the parse thread was asked to read could not be read: the input's fault, not the thread's. */
export class FileReadError extends KnownError {
  readonly code = "INPUT_READ_FAILED";
  readonly retriable = false;
}

/**
 * The worker's script. Tests run this module from its TypeScript source; a worker thread runs
 * JavaScript only, so it always starts the compiled worker (`npm test` builds first).
 */
function workerScript(): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("../dist/parse-worker.js", import.meta.url)
    : new URL("./parse-worker.js", import.meta.url);
}

export class ParseThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (b: ParsedBatch) => void; reject: (e: Error) => void }>();
  /** The file being read: where its replies go, and how its reader is woken. */
  private file: { readonly id: number; readonly take: (m: FileReply) => void; readonly wake: () => void } | undefined;
  private nextId = 0;
  private nextFile = 0;
  private failure: Error | undefined;

  /** What the thread validates by: another thread made with these parses the same way. */
  readonly options: ParseThreadOptions;

  constructor(opts: ParseThreadOptions) {
    this.options = opts;
    this.worker = new Worker(workerScript(), { workerData: opts });
    this.worker.unref();
    this.worker.on("message", (m: ParseReply) => this.settle(m));
    this.worker.on("error", (err: Error) => this.fail(new ParseThreadError(`the parse thread failed: ${err.message}`)));
    this.worker.on("exit", (code) => this.fail(new ParseThreadError(`the parse thread exited (code ${code})`)));
  }

  /** The batch's records in columns; batches are answered in the order they were sent. */
  parse(lines: readonly string[]): Promise<ParsedBatch> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Referenced while an answer is awaited: a pending parse keeps the process alive, an idle thread does not.
    this.worker.ref();
    const answer = new Promise<ParsedBatch>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ kind: "lines", id, lines } satisfies ParseRequest);
    return answer;
  }

  /**
   * Reads the file at `path` on the thread, `batchLines` lines to a batch, each validated as
   * `parse` validates lines; with `share`, only this thread's share of the batches (`FileShare`).
   * Throws FileReadError when the file cannot be read, and ParseThreadError when the thread fails:
   * every batch yielded before is whole, so the caller can go on reading from the line after
   * them. One file at a time; stopping the iteration stops the reading.
   */
  async *readFile(path: string, batchLines = 1000, share: FileShare = { of: 1, index: 0 }): AsyncGenerator<FileBatch> {
    if (this.failure !== undefined) throw this.failure;
    if (this.file !== undefined) throw new Error("the parse thread reads one file at a time");
    const inbox: FileReply[] = [];
    let wake: (() => void) | undefined;
    const rouse = (): void => {
      wake?.();
      wake = undefined;
    };
    const id = this.nextFile++;
    this.file = { id, take: (m) => (inbox.push(m), rouse()), wake: rouse };
    this.worker.ref();
    this.worker.postMessage({ kind: "file", id, path, batchLines, share } satisfies ParseRequest);
    let ended = false;
    try {
      for (;;) {
        while (inbox.length === 0 && this.failure === undefined) await new Promise<void>((resolve) => (wake = resolve));
        const m = inbox.shift();
        if (m === undefined) throw this.failure ?? new ParseThreadError("the parse thread stopped");
        if (m.kind === "file-batch") {
          this.worker.postMessage({ kind: "credit", id } satisfies ParseRequest);
          yield { batch: m.batch, lines: m.lines, bytes: m.bytes };
          continue;
        }
        ended = true;
        if (m.kind === "file-end") return;
        if (m.kind === "file-error") throw new FileReadError(`cannot read input ${path}: ${m.error}`);
        throw new ParseThreadError(`the parse thread failed on a batch of ${path}: ${m.error}`);
      }
    } finally {
      if (!ended && this.failure === undefined) this.worker.postMessage({ kind: "cancel", id } satisfies ParseRequest);
      this.file = undefined;
      this.unrefIfIdle();
    }
  }

  async close(): Promise<void> {
    this.failure ??= new ParseThreadError("the parse thread was closed");
    this.file?.wake();
    await this.worker.terminate();
  }

  private settle(m: ParseReply): void {
    if (m.kind !== "batch" && m.kind !== "error") {
      if (this.file?.id === m.id) this.file.take(m);
      return;
    }
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    this.unrefIfIdle();
    if (m.kind === "batch") p.resolve(m.batch);
    else p.reject(new ParseThreadError(`the parse thread failed on a batch: ${m.error}`));
  }

  private unrefIfIdle(): void {
    if (this.pending.size === 0 && this.file === undefined) this.worker.unref();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.file?.wake();
  }
}

/**
 * Parsing on a second thread: `JSON.parse` and validation are most of the embedded pipeline's
 * work, so a worker thread does them for batch n+1 while this thread runs dedup and the
 * counters on batch n. Replies come back in the order the batches went out (one worker, one
 * queue), so the pipeline sees its input in order.
 */
import { Worker } from "node:worker_threads";
import { KnownError } from "@meetuphype/core";
import type { ParsedBatch } from "./parsed-batch.js";

export interface ParseThreadOptions {
  readonly includeEventNames: boolean;
  readonly dedupShards: number;
}

export interface ParseRequest {
  readonly id: number;
  readonly lines: readonly string[];
}

export type ParseReply = { readonly id: number; readonly batch: ParsedBatch } | { readonly id: number; readonly error: string };

/** A parse thread's failure: its bug, or it exited. The batch it was parsing is not counted. */
export class ParseThreadError extends KnownError {
  readonly code = "PARSE_THREAD_FAILED";
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
  private nextId = 0;
  private failure: Error | undefined;

  constructor(opts: ParseThreadOptions) {
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
    if (this.pending.size === 0) this.worker.ref();
    const answer = new Promise<ParsedBatch>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ id, lines } satisfies ParseRequest);
    return answer;
  }

  async close(): Promise<void> {
    this.failure ??= new ParseThreadError("the parse thread was closed");
    await this.worker.terminate();
  }

  private settle(m: ParseReply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if ("batch" in m) p.resolve(m.batch);
    else p.reject(new ParseThreadError(`the parse thread failed on a batch: ${m.error}`));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}

/**
 * The parse thread's body (see parse-thread.ts): validates each batch of lines it is sent, into
 * columns; or reads a whole file itself, batch by batch, so that the pipeline's thread neither
 * decodes the file nor copies its lines here. A file is read at most `FILE_AHEAD` batches ahead
 * of what the pipeline's thread has taken.
 */
import { createReadStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { parseToColumns, transferables, type ParsedBatch } from "./parsed-batch.js";
import { FILE_AHEAD, type FileShare, type ParseReply, type ParseRequest, type ParseThreadOptions } from "./parse-thread.js";
import { byteLineBatches } from "./sources/lines.js";
import { byteLines } from "./stages/ingest.js";

const { includeEventNames, dedupShards } = workerData as ParseThreadOptions;
const port = parentPort;
if (port === null) throw new Error("parse-worker.js runs as a worker thread (see parse-thread.ts)");
const send = (m: ParseReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** A file being read: batches it may still send before the pipeline's thread takes one, and who waits for that. */
interface FileRead {
  readonly id: number;
  credit: number;
  cancelled: boolean;
  wake: (() => void) | undefined;
}
/** The latest file asked for; an earlier one still going stops at its next batch. */
let current: FileRead | undefined;

const rouse = (r: FileRead): void => {
  r.wake?.();
  r.wake = undefined;
};

async function readFile(r: FileRead, path: string, batchLines: number, share: FileShare): Promise<void> {
  let bytes = 0;
  let k = -1;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    // The lines' bytes: `readRsvpBytes` reads a valid record from them without decoding the line.
    for await (const lines of byteLineBatches(stream, { batchLines, fullBatches: true, onBytes: (b) => (bytes = b) })) {
      if (++k % share.of !== share.index) continue; // another thread's batch
      while (r.credit <= 0 && !r.cancelled) await new Promise<void>((resolve) => (r.wake = resolve));
      if (r.cancelled) return;
      r.credit--;
      let batch: ParsedBatch;
      try {
        batch = parseToColumns(byteLines(lines), includeEventNames, dedupShards);
      } catch (err) {
        // This thread's bug, not the file's: the pipeline's thread reads the rest itself.
        send({ kind: "file-failed", id: r.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        return;
      }
      send({ kind: "file-batch", id: r.id, batch, lines: lines.length, bytes }, transferables(batch));
    }
    send({ kind: "file-end", id: r.id, bytes });
  } catch (err) {
    send({ kind: "file-error", id: r.id, error: err instanceof Error ? err.message : String(err) });
  } finally {
    stream.destroy();
  }
}

port.on("message", (m: ParseRequest) => {
  switch (m.kind) {
    case "lines":
      try {
        const batch = parseToColumns(m.lines, includeEventNames, dedupShards);
        send({ kind: "batch", id: m.id, batch }, transferables(batch));
      } catch (err) {
        send({ kind: "error", id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
      return;
    case "file":
      if (current !== undefined) {
        current.cancelled = true;
        rouse(current);
      }
      current = { id: m.id, credit: FILE_AHEAD, cancelled: false, wake: undefined };
      void readFile(current, m.path, m.batchLines, m.share);
      return;
    case "credit":
    case "cancel":
      if (current === undefined || current.id !== m.id) return;
      if (m.kind === "credit") current.credit++;
      else current.cancelled = true;
      rouse(current);
  }
});

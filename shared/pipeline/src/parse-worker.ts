/** The parse thread's body (see parse-thread.ts): validates each batch of lines it is sent, into columns. */
import { parentPort, workerData } from "node:worker_threads";
import { parseToColumns, transferables } from "./parsed-batch.js";
import type { ParseReply, ParseRequest, ParseThreadOptions } from "./parse-thread.js";

const { includeEventNames, dedupShards } = workerData as ParseThreadOptions;
const port = parentPort;
if (port === null) throw new Error("parse-worker.js runs as a worker thread (see parse-thread.ts)");
port.on("message", ({ id, lines }: ParseRequest) => {
  let reply: ParseReply;
  try {
    const batch = parseToColumns(lines, includeEventNames, dedupShards);
    port.postMessage({ id, batch } satisfies ParseReply, transferables(batch));
    return;
  } catch (err) {
    reply = { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});

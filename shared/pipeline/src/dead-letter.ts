/** Where rejected records go, with their reason. The CLI writes a JSONL file; ingest (distributed) a Kafka topic. */
import type { Rejection } from "./messages.js";

export interface DeadLetterSink {
  write(rejections: readonly Rejection[]): void | Promise<void>;
}

/** The JSONL line written for one rejection: `{"reason","detail","line"}`. */
export const deadLetterLine = (r: Rejection): string => JSON.stringify({ reason: r.reason, detail: r.detail, line: r.line });

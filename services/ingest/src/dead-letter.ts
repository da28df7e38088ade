/**
 * The dead letter of a rejected Kafka record: the original key and value, with
 * the reason, detail and source position in headers. A value too large for the
 * dead-letter topic is cut to a preview, and its original size and SHA-256 go
 * in headers, so that the partition can move on and the record can still be
 * found (by `source`) and recognised (by hash). Pure.
 */
import { createHash } from "node:crypto";
import type { Message } from "kafkajs";
import { MAX_LINE_BYTES } from "@meetuphype/core";

/** Values above this are cut: it keeps a dead letter under any topic's limit, the broker's 1 MiB default included. */
export const DEAD_LETTER_MAX_VALUE_BYTES = MAX_LINE_BYTES - 64 * 1024;
/** How much of a cut value is kept, and of a key at most. */
export const DEAD_LETTER_PREVIEW_BYTES = 64 * 1024;
const MAX_KEY_BYTES = 4096;

export interface RejectedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly reason: string;
  readonly detail: string;
  /** `topic/partition/offset` of the record. */
  readonly source: string;
}

export function deadLetter(r: RejectedRecord, maxValueBytes = DEAD_LETTER_MAX_VALUE_BYTES): Message {
  const headers: Record<string, string> = { reason: r.reason, detail: r.detail.slice(0, 1024), source: r.source };
  let value = r.value;
  if (value !== null && value.length > maxValueBytes) {
    headers.truncated = "true";
    headers["original-bytes"] = String(value.length);
    headers.sha256 = createHash("sha256").update(value).digest("hex");
    value = value.subarray(0, Math.min(DEAD_LETTER_PREVIEW_BYTES, maxValueBytes));
  }
  const key = r.key !== null && r.key.length > MAX_KEY_BYTES ? r.key.subarray(0, MAX_KEY_BYTES) : r.key;
  return { key, value, headers };
}

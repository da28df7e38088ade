/** Telling Kafka errors apart by their protocol error type (never by message text). */

/** Protocol error types of a record the broker will never take, however often it is sent. */
const UNACCEPTABLE = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD"]);

/** The protocol error type of `err` or of an error in its cause chain. */
export function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ("type" in e && typeof e.type === "string") return e.type;
  }
  return undefined;
}

/** Whether the broker refused a record for what it is (too large, invalid): sending it again cannot help. */
export const isUnacceptableRecord = (err: unknown): boolean => UNACCEPTABLE.has(kafkaErrorType(err) ?? "");

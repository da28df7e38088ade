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

/**
 * Protocol error types that say the broker no longer knows the idempotent producer's sequence
 * numbers (its state expired after a day without writes): the producer must start over with a
 * new producer id; sending again as it is cannot help.
 */
const LOST_PRODUCER_STATE = new Set([
  "OUT_OF_ORDER_SEQUENCE_NUMBER",
  "UNKNOWN_PRODUCER_ID",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
]);

/** Whether the broker lost (or refused) the idempotent producer's state. */
export const isLostProducerState = (err: unknown): boolean => LOST_PRODUCER_STATE.has(kafkaErrorType(err) ?? "");

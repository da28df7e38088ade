/**
 * Connecting to Kafka at start-up: retried while the brokers are away, stopped at
 * once when they refuse the login or the certificate (the error names the settings).
 */
import { isKnownError } from "@meetuphype/core";
import { BrokerRefusedError, refusal, retry, securityHint, type RetryOptions } from "@meetuphype/control-plane";

export interface KafkaRetryOptions extends Omit<RetryOptions, "isFinal" | "hint"> {
  readonly brokers: readonly string[];
  /** Whether the client logs in or uses TLS. */
  readonly secured: boolean;
}

export async function retryKafka<T>(fn: () => Promise<T>, o: KafkaRetryOptions): Promise<T> {
  // A refused login or certificate, or a known error that retrying cannot fix (a topic setting the brokers refuse).
  const isFinal = (err: unknown): boolean => refusal("Kafka", err) !== undefined || (isKnownError(err) && !err.retriable);
  return retry(fn, { ...o, isFinal, hint: (err) => securityHint("Kafka", err, o.secured) }).catch((err: unknown) => {
    const why = refusal("Kafka", err);
    throw why !== undefined ? new BrokerRefusedError("Kafka", o.brokers.join(","), why, err) : err;
  });
}

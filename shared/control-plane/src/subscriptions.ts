/**
 * Core-NATS subscriptions whose messages are decoded before they are handled: the rank requests
 * (counter and dedup replicas), the counter shards' answers and the dedup shards' coverage notices
 * (the aggregator, and the counter replicas for the notices). A message that cannot be read is
 * logged and skipped. Thrown inside the NATS client's callback, it would end the client's read
 * loop, and the replica would hear nothing more on any subject.
 */
import type { NatsConnection, Subscription } from "nats";
import type { Logger } from "@meetuphype/log";
import { decodeCoverageNotices, type CoverageNotice } from "./codec.js";
import { describe } from "./retry.js";

export function subscribeDecoded<T>(
  nc: Pick<NatsConnection, "subscribe">,
  subject: string,
  decode: (bytes: Uint8Array) => T,
  logger: Logger,
  take: (value: T) => void,
): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err !== null) return;
      let value: T;
      try {
        value = decode(msg.data);
      } catch (e) {
        logger.warn("a message cannot be read; ignoring it", { subject, err: describe(e) });
        return;
      }
      take(value);
    },
  });
}

/** The coverage notices: each message is one notice or a dedup replica's bundle of them. */
export const subscribeCoverageNotices = (
  nc: Pick<NatsConnection, "subscribe">,
  subject: string,
  logger: Logger,
  take: (notices: readonly CoverageNotice[]) => void,
): Subscription => subscribeDecoded(nc, subject, decodeCoverageNotices, logger, take);

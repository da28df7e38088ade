/**
 * Reading the dedup shards' coverage notices (`<prefix>.coverage`, core NATS): each message is
 * one notice or a dedup replica's bundle of them. The counter replicas and the aggregator read
 * them. A message that cannot be read is logged and skipped: thrown inside the NATS client's
 * callback, it would reach the client's own read loop.
 */
import type { NatsConnection, Subscription } from "nats";
import type { Logger } from "@meetuphype/log";
import { decodeCoverageNotices, type CoverageNotice } from "./codec.js";
import { describe } from "./retry.js";

export function subscribeCoverageNotices(
  nc: Pick<NatsConnection, "subscribe">,
  subject: string,
  logger: Logger,
  take: (notices: readonly CoverageNotice[]) => void,
): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err !== null) return;
      let notices: CoverageNotice[];
      try {
        notices = decodeCoverageNotices(msg.data);
      } catch (e) {
        logger.warn("a coverage notice cannot be read; ignoring it", { subject, err: describe(e) });
        return;
      }
      take(notices);
    },
  });
}

/**
 * Routes kafkajs's own log lines to the service's logger. kafkajs logs a broker
 * that is not up yet (or restarting) at ERROR although it retries: those entries
 * go out at warn, so that an error in the log is something to act on.
 */
import { logLevel, type logCreator } from "kafkajs";
import type { Logger } from "@meetuphype/log";

/** Connection trouble and leadership moves: kafkajs retries them, a broker coming up or restarting causes them. */
const TRANSIENT =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|Connection (error|timeout|closed)|Closed connection|connect to seed broker|not available|no leader|NOT_LEADER|LEADER_NOT_AVAILABLE|does not host this topic-partition|coordinator (is )?(not available|loading)|The group is rebalancing|Request timed out/i;

/**
 * Another replica created the topic first: kafkajs logs the response at ERROR, then treats it
 * as done (every topic already exists). Normal at start-up when replicas start together.
 */
const ALREADY_THERE = /Topic creation errors|TOPIC_ALREADY_EXISTS|Topic with this name already exists/i;

/**
 * kafkajs warns whenever an idempotent producer's retries are bounded. Ours are on purpose
 * (`producer.ts`): a request that failed gives its sequence numbers back, so the caller's retry
 * of the whole send reuses them and the broker still keeps one copy.
 */
const BOUNDED_IDEMPOTENT_RETRIES = /Limiting retries for the idempotent producer/;

/** The level an entry of kafkajs goes out at. Pure. */
export function kafkaEntryLevel(
  level: logLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): "error" | "warn" | "info" | "debug" {
  if (level === logLevel.ERROR) {
    const text = `${message} ${typeof fields.error === "string" ? fields.error : ""}`;
    if (ALREADY_THERE.test(text)) return "info";
    return TRANSIENT.test(text) || fields.retryCount !== undefined ? "warn" : "error";
  }
  if (level === logLevel.WARN) return BOUNDED_IDEMPOTENT_RETRIES.test(message) ? "debug" : "warn";
  if (level === logLevel.INFO) return "info";
  return "debug";
}

export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const fields: Record<string, unknown> = { ...log };
      const message = log.message;
      delete fields.message;
      delete fields.timestamp;
      delete fields.logger;
      logger.child({ component: "kafkajs" })[kafkaEntryLevel(level, message, fields)](message, fields);
    };
}

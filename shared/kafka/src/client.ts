/** Kafka clients built from the parsed security settings (`@meetuphype/config`'s broker-security). */
import { Kafka, logLevel as kafkaLogLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import type { KafkaSecurity } from "@meetuphype/config";
import { tlsOptions } from "@meetuphype/control-plane";
import { kafkaLogCreator } from "./log.js";

/** Whether connections to Kafka log in or use TLS (for the hint on a closed connection). */
export const kafkaSecured = (sec: KafkaSecurity): boolean => sec.sasl !== undefined || sec.tls !== undefined;

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly security: KafkaSecurity;
  readonly logger: Logger;
  /** Log kafkajs's warnings and errors through `logger`; a short-lived command keeps it quiet. @default true */
  readonly log?: boolean;
  readonly retry?: KafkaJsConfig["retry"];
}

/** A kafkajs client that logs in and uses TLS as configured. */
export function createKafka(o: KafkaClientOptions): Kafka {
  const sec = o.security;
  const sasl: SASLOptions | undefined = sec.sasl !== undefined ? { ...sec.sasl } : undefined;
  return new Kafka({
    clientId: o.clientId,
    brokers: [...o.brokers],
    ...(o.log === false ? { logLevel: kafkaLogLevel.NOTHING } : { logLevel: kafkaLogLevel.WARN, logCreator: kafkaLogCreator(o.logger) }),
    ...(o.retry !== undefined ? { retry: o.retry } : {}),
    ...(sec.tls !== undefined ? { ssl: tlsOptions(sec.tls, "KAFKA", o.logger) } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  });
}

/**
 * The clients' side of the brokers' security: NATS connection options and Kafka
 * clients built from the parsed settings (`@meetuphype/config`'s broker-security).
 * Reads the credential and PEM files once, names the setting when one cannot be
 * read, and warns when a secret file can be read by every user of the machine.
 */
import { credsAuthenticator, type ConnectionOptions } from "nats";
import { Kafka, logLevel as kafkaLogLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from "kafkajs";
import type { Logger } from "@meetuphype/actors";
import { readSettingFile, type KafkaSecurity, type NatsSecurity, type TlsFiles } from "@meetuphype/config";
import { kafkaLogCreator } from "./kafka-log.js";

function readSetting(path: string, setting: string, logger: Logger, secret: boolean): Buffer {
  return readSettingFile(path, setting, secret ? (w) => logger.warn(w) : undefined);
}

/** PEM text: what both nats.js and Node's tls (under kafkajs) take. */
interface PemTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

function tlsOptions(files: TlsFiles, prefix: "NATS" | "KAFKA", logger: Logger): PemTls {
  return {
    ...(files.ca !== undefined ? { ca: readSetting(files.ca, `${prefix}_TLS_CA`, logger, false).toString("utf8") } : {}),
    ...(files.cert !== undefined ? { cert: readSetting(files.cert, `${prefix}_TLS_CERT`, logger, false).toString("utf8") } : {}),
    ...(files.key !== undefined ? { key: readSetting(files.key, `${prefix}_TLS_KEY`, logger, true).toString("utf8") } : {}),
  };
}

/** Login and TLS options for `nats.connect`. */
export function natsConnectOptions(sec: NatsSecurity, logger: Logger): Partial<ConnectionOptions> {
  const login = sec.login;
  const auth: Partial<ConnectionOptions> =
    login.kind === "user"
      ? { user: login.user, pass: login.password }
      : login.kind === "token"
        ? { token: login.token }
        : login.kind === "creds"
          ? { authenticator: credsAuthenticator(new Uint8Array(readSetting(login.file, "NATS_CREDS", logger, true))) }
          : {};
  return { ...auth, ...(sec.tls !== undefined ? { tls: tlsOptions(sec.tls, "NATS", logger) } : {}) };
}

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

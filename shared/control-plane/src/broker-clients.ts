/**
 * The clients' side of the brokers' security: NATS connection options from the parsed
 * settings (`@meetuphype/config`'s broker-security), and the PEM files both brokers' clients
 * read (Kafka's clients are built in `@meetuphype/kafka`). Reads the credential and PEM files
 * once, names the setting when one cannot be read, and warns when a secret file can be read
 * by every user of the machine.
 */
import { credsAuthenticator, type ConnectionOptions } from "nats";
import type { Logger } from "@meetuphype/log";
import { readSettingFile, type NatsSecurity, type TlsFiles } from "@meetuphype/config";

function readSetting(path: string, setting: string, logger: Logger, secret: boolean): Buffer {
  return readSettingFile(path, setting, secret ? (w) => logger.warn(w) : undefined);
}

/** PEM text: what both nats.js and Node's tls (under kafkajs) take. */
export interface PemTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Reads the PEM files of one broker's TLS settings (named `<prefix>_TLS_CA` and so on in errors). */
export function tlsOptions(files: TlsFiles, prefix: "NATS" | "KAFKA", logger: Logger): PemTls {
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

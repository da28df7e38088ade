/**
 * How the services log in to NATS and Kafka: the options (the same names for
 * every service), checked together once at start-up. Pure: file paths stay
 * paths here; the files are read where the connection is made.
 */
import { ConfigError } from "./errors.js";
import { str, type FlagsOf, type OptionSpec, type ValuesOf } from "./options.js";

export const NATS_SECURITY_OPTIONS = [
  { flag: "nats-user", env: "NATS_USER", type: "string", help: "NATS user name (with --nats-password)" },
  { flag: "nats-password", env: "NATS_PASSWORD", type: "string", secret: true, help: "NATS password of --nats-user" },
  { flag: "nats-token", env: "NATS_TOKEN", type: "string", secret: true, help: "NATS authentication token" },
  { flag: "nats-creds", env: "NATS_CREDS", type: "string", help: "NATS credentials file (user JWT and NKey seed, .creds)" },
  { flag: "nats-tls-ca", env: "NATS_TLS_CA", type: "string", help: "NATS over TLS: the CA of the server's certificate (PEM file)" },
  { flag: "nats-tls-cert", env: "NATS_TLS_CERT", type: "string", help: "NATS over TLS: a client certificate (PEM file)" },
  { flag: "nats-tls-key", env: "NATS_TLS_KEY", type: "string", help: "with --nats-tls-cert: its private key (PEM file)" },
] as const satisfies readonly OptionSpec[];

export const KAFKA_SASL_MECHANISMS = ["plain", "scram-sha-256", "scram-sha-512"] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

export const KAFKA_SECURITY_OPTIONS = [
  {
    flag: "kafka-sasl-mechanism",
    env: "KAFKA_SASL_MECHANISM",
    type: "string",
    help: "Kafka SASL login: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (none by default)",
    check: (v: string) =>
      (KAFKA_SASL_MECHANISMS as readonly string[]).includes(v.toLowerCase()) ? undefined : "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
  },
  { flag: "kafka-sasl-username", env: "KAFKA_SASL_USERNAME", type: "string", help: "with --kafka-sasl-mechanism: the user name" },
  {
    flag: "kafka-sasl-password",
    env: "KAFKA_SASL_PASSWORD",
    type: "string",
    secret: true,
    help: "with --kafka-sasl-mechanism: the password",
  },
  {
    flag: "kafka-tls",
    env: "KAFKA_TLS",
    type: "bool",
    default: false,
    help: "connect to Kafka over TLS (the system's CAs unless --kafka-tls-ca)",
  },
  { flag: "kafka-tls-ca", env: "KAFKA_TLS_CA", type: "string", help: "with --kafka-tls: the CA of the brokers' certificates (PEM file)" },
  { flag: "kafka-tls-cert", env: "KAFKA_TLS_CERT", type: "string", help: "with --kafka-tls: a client certificate (PEM file)" },
  { flag: "kafka-tls-key", env: "KAFKA_TLS_KEY", type: "string", help: "with --kafka-tls-cert: its private key (PEM file)" },
] as const satisfies readonly OptionSpec[];

/** PEM files of a TLS client: each absent one means "not used" (the system's CAs for `ca`). */
export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export type NatsLogin =
  | { readonly kind: "none" }
  | { readonly kind: "user"; readonly user: string; readonly password: string }
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "creds"; readonly file: string };

export interface NatsSecurity {
  readonly login: NatsLogin;
  /** TLS files; undefined when none is set (a `tls://` URL or a server that asks still gets TLS). */
  readonly tls?: TlsFiles;
}

export interface KafkaSecurity {
  readonly sasl?: { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string };
  /** Undefined: plaintext. */
  readonly tls?: TlsFiles;
}

export const NO_NATS_SECURITY: NatsSecurity = { login: { kind: "none" } };
export const NO_KAFKA_SECURITY: KafkaSecurity = {};

/** A string option's value; empty counts as unset. */
const get = <V, K extends FlagsOf<V, string>>(v: V, k: K): NonNullable<V[K]> | undefined => {
  const x = str(v, k);
  return x === "" ? undefined : x;
};

function tlsFiles(
  ca: string | undefined,
  cert: string | undefined,
  key: string | undefined,
  names: [string, string],
): TlsFiles | undefined {
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError(`${names[0]} and ${names[1]} go together: set both, or neither`);
  if (ca === undefined && cert === undefined) return undefined;
  return { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert } : {}), ...(key !== undefined ? { key } : {}) };
}

export function natsSecurityFrom(v: ValuesOf<typeof NATS_SECURITY_OPTIONS>): NatsSecurity {
  const [user, password, token, creds] = (["nats-user", "nats-password", "nats-token", "nats-creds"] as const).map((k) => get(v, k));
  const ways = [user !== undefined || password !== undefined, token !== undefined, creds !== undefined].filter(Boolean).length;
  if (ways > 1) throw new ConfigError("NATS logs in one way: NATS_USER and NATS_PASSWORD, or NATS_TOKEN, or NATS_CREDS (set only one)");
  if ((user === undefined) !== (password === undefined))
    throw new ConfigError("NATS_USER (--nats-user) and NATS_PASSWORD (--nats-password) go together: set both, or neither");
  const login: NatsLogin =
    user !== undefined && password !== undefined
      ? { kind: "user", user, password }
      : token !== undefined
        ? { kind: "token", token }
        : creds !== undefined
          ? { kind: "creds", file: creds }
          : { kind: "none" };
  const tls = tlsFiles(get(v, "nats-tls-ca"), get(v, "nats-tls-cert"), get(v, "nats-tls-key"), [
    "NATS_TLS_CERT (--nats-tls-cert)",
    "NATS_TLS_KEY (--nats-tls-key)",
  ]);
  return { login, ...(tls !== undefined ? { tls } : {}) };
}

export function kafkaSecurityFrom(v: ValuesOf<typeof KAFKA_SECURITY_OPTIONS>): KafkaSecurity {
  const mechanism = get(v, "kafka-sasl-mechanism")?.toLowerCase() as KafkaSaslMechanism | undefined;
  const [username, password] = [get(v, "kafka-sasl-username"), get(v, "kafka-sasl-password")];
  if (mechanism === undefined && (username !== undefined || password !== undefined))
    throw new ConfigError("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
  if (mechanism !== undefined && (username === undefined || password === undefined))
    throw new ConfigError(
      `KAFKA_SASL_MECHANISM=${mechanism.toUpperCase()} needs KAFKA_SASL_USERNAME (--kafka-sasl-username) and KAFKA_SASL_PASSWORD (--kafka-sasl-password)`,
    );
  const [ca, cert, key] = [get(v, "kafka-tls-ca"), get(v, "kafka-tls-cert"), get(v, "kafka-tls-key")];
  const on = v["kafka-tls"] === true;
  if (!on && (ca !== undefined || cert !== undefined || key !== undefined))
    throw new ConfigError("KAFKA_TLS_CA, KAFKA_TLS_CERT and KAFKA_TLS_KEY take effect with KAFKA_TLS=true (--kafka-tls): set it too");
  const files = tlsFiles(ca, cert, key, ["KAFKA_TLS_CERT (--kafka-tls-cert)", "KAFKA_TLS_KEY (--kafka-tls-key)"]);
  return {
    ...(mechanism !== undefined && username !== undefined && password !== undefined ? { sasl: { mechanism, username, password } } : {}),
    ...(on ? { tls: files ?? {} } : {}),
  };
}

/**
 * Telling a broker that refuses us from one that is away. A refused login or an
 * untrusted certificate does not get better by waiting: the service stops with a
 * message that names the settings to fix, instead of retrying for ever. Pure.
 */
import { KnownError } from "@meetuphype/core";
import { describe } from "./retry.js";

export type Broker = "NATS" | "Kafka";

/** Node's codes for a certificate the client does not accept. */
const UNTRUSTED_CERTIFICATE = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const NATS_LOGIN_CODES = new Set(["AUTHORIZATION_VIOLATION", "AUTHENTICATION_EXPIRED", "AUTHENTICATION_TIMEOUT"]);

const chain = (err: unknown): Error[] => {
  const out: Error[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) out.push(e);
  return out;
};
const codeOf = (e: Error): string | undefined => ("code" in e && typeof e.code === "string" ? e.code : undefined);

const FIX: Record<Broker, { login: string; ca: string }> = {
  NATS: {
    login: "set NATS_USER and NATS_PASSWORD, NATS_TOKEN or NATS_CREDS to credentials the server accepts",
    ca: "set NATS_TLS_CA to the CA that signed it",
  },
  Kafka: {
    login: "check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
    ca: "set KAFKA_TLS_CA to the CA that signed it",
  },
};

/** Why `broker` refused us, with the fix, or undefined when `err` is not a refusal (then waiting may help). */
export function refusal(broker: Broker, err: unknown): string | undefined {
  for (const e of chain(err)) {
    const code = codeOf(e);
    if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code))
      return `its TLS certificate is not trusted (${e.message}): ${FIX[broker].ca}`;
    const login = broker === "NATS" ? code !== undefined && NATS_LOGIN_CODES.has(code) : e.name === "KafkaJSSASLAuthenticationError";
    if (login) return `it refused the login (${e.message}): ${FIX[broker].login}`;
  }
  return undefined;
}

/** A hint for an error that is retried but may mean a secured listener we talk to in the clear. */
export function securityHint(broker: Broker, err: unknown, secured: boolean): string | undefined {
  if (secured || broker !== "Kafka") return undefined;
  return chain(err).some((e) => e.name === "KafkaJSConnectionClosedError")
    ? "if its listener uses TLS or SASL, set KAFKA_TLS=true and KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD"
    : undefined;
}

/** A broker refused the login or the certificate: the service stops (exit 1), it does not retry. */
export class BrokerRefusedError extends KnownError {
  readonly code = "BROKER_REFUSED";
  readonly retriable = false;
  constructor(broker: Broker, address: string, reason: string, cause?: unknown) {
    super(`${broker} at ${address}: ${reason}`, { cause });
  }
}

/** A broker that did not answer a short-lived command (`status`, `run --once`): exit 1, with the address. */
export class BrokerUnavailableError extends KnownError {
  readonly code = "BROKER_UNAVAILABLE";
  readonly retriable = true;
  constructor(broker: Broker, address: string, cause: unknown, hint?: string) {
    super(`cannot reach ${broker} at ${address}: ${describe(cause)}${hint !== undefined ? ` (${hint})` : ""}`, { cause });
  }
}

/**
 * The error to stop with after a failed connection attempt: refused, or unavailable with a
 * hint (TLS/SASL for a Kafka client that uses neither, else `o.hint`).
 */
export function connectionError(broker: Broker, address: string, err: unknown, o: { secured: boolean; hint?: string }): Error {
  const why = refusal(broker, err);
  return why !== undefined
    ? new BrokerRefusedError(broker, address, why, err)
    : new BrokerUnavailableError(broker, address, err, securityHint(broker, err, o.secured) ?? o.hint);
}

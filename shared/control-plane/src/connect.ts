/**
 * Connecting a service to NATS. A service may start before its server (on
 * Kubernetes it usually does): it waits, with a log line every few seconds that
 * names the address, until the server answers. Once connected, the client
 * reconnects by itself for ever; `natsHealth` tells readiness whether the server
 * answers right now.
 */
import { KnownError } from "@meetuphype/core";
import { connect, Events, type NatsConnection } from "nats";
import type { Logger } from "@meetuphype/log";
import type { NatsConfig } from "@meetuphype/config";
import { describe, retry, RetryAbortedError } from "./retry.js";
import { natsConnectOptions } from "./broker-clients.js";
import { BrokerRefusedError, refusal } from "./refusals.js";

/** Where NATS is and how to log in. */
export type NatsTarget = Pick<NatsConfig, "natsUrl" | "natsSecurity">;

export class NatsUnavailableError extends KnownError {
  readonly code = "NATS_UNAVAILABLE";
  readonly retriable = true;
  constructor(url: string, cause: unknown) {
    super(`cannot reach NATS at ${url}: ${describe(cause)} (start it with \`npm run infra:up\`, or set NATS_URL / --nats-url)`, { cause });
  }
}

/** Why connecting failed for good: a refusal (login, certificate), else NATS is away. */
function natsConnectError(url: string, err: unknown): Error {
  const why = refusal("NATS", err);
  return why !== undefined ? new BrokerRefusedError("NATS", url, why, err) : new NatsUnavailableError(url, err);
}

/** A refused login or an untrusted certificate: waiting does not help. */
const isRefused = (err: unknown): boolean => refusal("NATS", err) !== undefined;

/** Ping often enough that a stalled server is noticed within seconds, not the default minutes. */
export const NATS_PING_INTERVAL_MS = 3000;

export async function connectNats(target: NatsTarget, name: string, logger: Logger, signal?: AbortSignal): Promise<NatsConnection> {
  const url = target.natsUrl;
  const security = natsConnectOptions(target.natsSecurity, logger);
  const nc = await retry(
    () =>
      connect({
        ...security,
        servers: url.split(","),
        name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        waitOnFirstConnect: false,
        timeout: 3000,
        pingInterval: NATS_PING_INTERVAL_MS,
        maxPingOut: 2,
        // No Error (with its stack) per request: every JetStream publish is a request, and
        // that bookkeeping was a third of dedup's CPU (docs/benchmarks.md).
        noAsyncTraces: true,
      }),
    { what: `waiting for NATS at ${url}`, logger, isFinal: isRefused, minMs: 250, maxMs: 3000, ...(signal ? { signal } : {}) },
  ).catch((err: unknown) => {
    if (err instanceof RetryAbortedError) throw err;
    throw natsConnectError(url, err);
  });
  void (async () => {
    for await (const s of nc.status())
      if (s.type === Events.Disconnect || s.type === Events.Reconnect) logger.warn(`nats ${s.type}`, { server: JSON.stringify(s.data) });
  })();
  return nc;
}

/** Whether the server answers a round trip within `timeoutMs`; the reason when it does not. */
export async function natsHealth(nc: NatsConnection, timeoutMs = 800): Promise<string | undefined> {
  if (nc.isClosed()) return "the NATS connection is closed";
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>(
    (resolve) => (timer = setTimeout(() => resolve(`NATS did not answer within ${timeoutMs} ms`), timeoutMs)),
  );
  try {
    return await Promise.race([nc.flush().then(() => undefined), late]);
  } catch (err) {
    return `NATS: ${describe(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** One attempt to connect, for a short-lived command (`meetuphype status`): an error names the URL and the fix. */
export async function connectNatsOnce(target: NatsTarget, name: string, logger: Logger): Promise<NatsConnection> {
  const url = target.natsUrl;
  const security = natsConnectOptions(target.natsSecurity, logger);
  return connect({ ...security, servers: url.split(","), name, timeout: 3000, noAsyncTraces: true }).catch((err: unknown) => {
    throw natsConnectError(url, err);
  });
}

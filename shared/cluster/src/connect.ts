/** Connecting a service to NATS, with a message that says what to do when the server is not there. */
import { connect, Events, type NatsConnection } from "nats";
import type { Logger } from "@meetuphype/actors";

export class NatsUnavailableError extends Error {
  readonly code = "NATS_UNAVAILABLE";
  readonly retriable = true;
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach NATS at ${url}: ${cause instanceof Error ? cause.message : String(cause)} (start it with \`npm run infra:up\`, or set NATS_URL / --nats-url)`,
      { cause },
    );
    this.name = "NatsUnavailableError";
  }
}

export async function connectNats(url: string, name: string, logger: Logger): Promise<NatsConnection> {
  try {
    const nc = await connect({
      servers: url.split(","),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: false,
      // No Error (with its stack) per request: every JetStream publish is a request, and
      // that bookkeeping was a third of dedup's CPU (docs/benchmarks.md).
      noAsyncTraces: true,
    });
    void (async () => {
      for await (const s of nc.status())
        if (s.type === Events.Disconnect || s.type === Events.Reconnect) logger.warn(`nats ${s.type}`, { server: JSON.stringify(s.data) });
    })();
    return nc;
  } catch (err) {
    throw new NatsUnavailableError(url, err);
  }
}

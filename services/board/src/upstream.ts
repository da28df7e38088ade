/**
 * The board's one upstream: a WatchTrending stream (and the history, at each connect)
 * from the aggregator or `meetuphype run`. When it fails or ends, the board says so to
 * every viewer and reconnects with backoff for as long as it runs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceError } from "@grpc/grpc-js";
import type { Logger } from "@meetuphype/actors";
import {
  DEFAULT_RECONNECT,
  getTrendingHistory,
  grpcReason,
  nextDelay,
  trendingClient,
  type ClientTls,
  type ServedHistory,
} from "@meetuphype/grpc";
import type { TrendingSnapshot } from "@meetuphype/proto";
import type { BoardState } from "./state.js";

export interface UpstreamOptions {
  readonly addr: string;
  readonly tls: ClientTls | undefined;
  readonly state: BoardState;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** Keepalive pings: a stalled upstream is noticed within about twice this. @default 5000 */
  readonly keepaliveMs?: number;
}

const reasonOf = (err: unknown): string =>
  grpcReason(
    err !== null && typeof err === "object" && "details" in err && typeof err.details === "string" && err.details !== ""
      ? err.details
      : err instanceof Error
        ? err.message
        : String(err),
  );

/** Follows the upstream until `signal` aborts. */
export async function followUpstream(o: UpstreamOptions): Promise<void> {
  const client = trendingClient(o.addr, o.tls, { keepaliveMs: o.keepaliveMs ?? 5000 });
  let failures = 0;
  let everConnected = false;
  try {
    while (!o.signal.aborted) {
      let received = false;
      let why: string;
      try {
        const history = await getTrendingHistory(client).catch((err: unknown) => {
          o.logger.debug("no history from the upstream", { err: reasonOf(err) });
          return undefined;
        });
        await watch(client, o, (s) => {
          if (!received) connected(o, history);
          received = true;
          everConnected = true;
          o.state.setSnapshot(s);
        });
        why = "the server ended the stream";
      } catch (err) {
        why = reasonOf(err);
      }
      if (o.signal.aborted) return;
      o.state.setUpstream({ connected: false, since: o.now(), reason: `${o.addr}: ${why}` });
      failures = received ? 1 : failures + 1;
      const delay = nextDelay({ ...DEFAULT_RECONNECT, retries: -1 }, failures, Math.random()) ?? DEFAULT_RECONNECT.maxDelayMs;
      // Before it ever connected, the upstream is awaited (it may start after the board), not gone.
      if (everConnected) o.logger.warn("the upstream is gone; reconnecting", { addr: o.addr, reason: why, inMs: delay });
      else o.logger.warn("waiting for the upstream", { addr: o.addr, reason: why, inMs: delay });
      await sleep(delay, undefined, { signal: o.signal }).catch(() => undefined);
    }
  } finally {
    client.close();
  }
}

function connected(o: UpstreamOptions, history: ServedHistory | undefined): void {
  if (history !== undefined) o.state.replaceHistory(history);
  o.state.setUpstream({ connected: true, since: o.now() });
  o.logger.info("following the upstream", { addr: o.addr, historyPoints: o.state.history.size });
}

function watch(client: ReturnType<typeof trendingClient>, o: UpstreamOptions, onSnapshot: (s: TrendingSnapshot) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.watchTrending({ limit: 0 });
    const onAbort = (): void => call.cancel();
    o.signal.addEventListener("abort", onAbort, { once: true });
    call.on("data", (s: TrendingSnapshot) => onSnapshot(s));
    call.on("end", () => {
      o.signal.removeEventListener("abort", onAbort);
      resolve();
    });
    call.on("error", (err: ServiceError) => {
      o.signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
}

/**
 * The board's one upstream: a WatchTrending stream (and the history, at each connect)
 * from the aggregator or `meetuphype run`, followed as `meetuphype watch` follows it
 * (`followTrending`). When it fails or ends, the board says so to every viewer and
 * reconnects with backoff for as long as it runs.
 */
import type { Logger } from "@meetuphype/log";
import {
  DEFAULT_RECONNECT,
  followReason,
  followTrending,
  getTrendingHistory,
  trendingClient,
  type ClientTls,
  type ServedHistory,
} from "@meetuphype/grpc";
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

/** Follows the upstream until `signal` aborts. */
export async function followUpstream(o: UpstreamOptions): Promise<void> {
  const client = trendingClient(o.addr, o.tls, { keepaliveMs: o.keepaliveMs ?? 5000 });
  let history: ServedHistory | undefined;
  try {
    await followTrending({
      client,
      limit: 0,
      policy: { ...DEFAULT_RECONNECT, retries: -1 },
      signal: o.signal,
      beforeTry: async () => {
        history = await getTrendingHistory(client).catch((err: unknown) => {
          o.logger.debug("no history from the upstream", { err: followReason(err) });
          return undefined;
        });
      },
      onSnapshot: (s, first) => {
        if (first) connected(o, history);
        o.state.setSnapshot(s);
      },
      onLost: ({ reason, delayMs, everReceived }) => {
        o.state.setUpstream({ connected: false, since: o.now(), reason: `${o.addr}: ${reason}` });
        // Before it ever connected, the upstream is awaited (it may start after the board), not gone.
        const fields = { addr: o.addr, reason, inMs: delayMs };
        if (everReceived) o.logger.warn("the upstream is gone; reconnecting", fields);
        else o.logger.warn("waiting for the upstream", fields);
      },
    });
  } finally {
    client.close();
  }
}

function connected(o: UpstreamOptions, history: ServedHistory | undefined): void {
  if (history !== undefined) o.state.replaceHistory(history);
  o.state.setUpstream({ connected: true, since: o.now() });
  o.logger.info("following the upstream", { addr: o.addr, historyPoints: o.state.history.size });
}

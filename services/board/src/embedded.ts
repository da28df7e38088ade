/** The board inside `meetuphype run`: fed in-process by the pipeline's snapshots, with run's history. */
import type { RankingHistory } from "@meetuphype/core";
import { toWire, type ServedParams, type SnapshotSource } from "@meetuphype/grpc";
import { Fanout } from "./fanout.js";
import { startBoardServer, type BoardServer } from "./http.js";
import { BoardState } from "./state.js";
import type { HttpConfig } from "./config.js";

export async function startEmbeddedBoard(
  http: HttpConfig,
  source: SnapshotSource,
  params: ServedParams,
  history: RankingHistory,
  now: () => number,
): Promise<BoardServer> {
  const fanout = new Fanout(http.maxViewers);
  const state = new BoardState(fanout, now(), { history, recordsHistory: false });
  state.setUpstream({ connected: true, since: now() });
  if (source.snapshot !== undefined) state.setSnapshot(toWire(source.snapshot, 0, params));
  const stop = source.subscribe((s) => state.setSnapshot(toWire(s, 0, params)));
  const server = await startBoardServer({ port: http.httpPort, host: http.httpHost, state, fanout });
  return {
    port: server.port,
    close: async () => {
      stop();
      await server.close();
    },
  };
}

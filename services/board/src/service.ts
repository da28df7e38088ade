/** `meetuphype board`: the live page, JSON and event stream, fed by one WatchTrending stream. */
import { commandLogger } from "@meetuphype/log";
import { startHealthServer, createMetrics } from "@meetuphype/metrics";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { BOARD_OPTIONS, boardConfig } from "./config.js";
import { Fanout } from "./fanout.js";
import { startBoardServer } from "./http.js";
import { BoardState } from "./state.js";
import { followUpstream } from "./upstream.js";

export const BOARD_USAGE = `Usage: meetuphype board [options]

Serves the trending topics on a live web page (GET /), as JSON (GET
/api/trending, /api/history) and as server-sent events (GET /api/stream),
for many viewers at once, from one WatchTrending stream of TrendingService
(--addr: the aggregator, or \`meetuphype run\`), reconnecting with backoff.
Ready (/readyz) once the upstream sends a ranking.

Options:
${optionHelp(BOARD_OPTIONS)}`;

export async function runBoard(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = boardConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${BOARD_USAGE}\n`);
    return 0;
  }
  const logger = commandLogger(cfg, ctx.stderr, {
    service: "board",
  });
  for (const w of cfg.tls?.warnings ?? []) logger.warn(w);
  const fanout = new Fanout(cfg.maxViewers);
  const state = new BoardState(fanout, ctx.clock.now());
  const metrics = createMetrics("board");
  let reported = 0;
  const gauges = setInterval(() => {
    metrics.boardViewers.set(fanout.size);
    metrics.boardReplaced.inc(fanout.replaced - reported);
    reported = fanout.replaced;
  }, 2000);
  gauges.unref();
  const health = await startHealthServer(
    { port: cfg.healthPort, host: cfg.healthHost },
    () => ({
      ready: state.ready,
      reason: state.ready ? undefined : (state.upstream.reason ?? "no ranking from the upstream yet"),
      detail: { upstream: cfg.addr, viewers: fanout.size },
    }),
    metrics,
  );
  const server = await startBoardServer({ port: cfg.httpPort, host: cfg.httpHost, state, fanout }).catch(async (err: unknown) => {
    await health.close();
    throw err;
  });
  logger.info("board listening", { http: `${cfg.httpHost}:${server.port}`, upstream: cfg.addr, health: health.port });
  await followUpstream({ addr: cfg.addr, tls: cfg.tls, state, logger, signal: ctx.signal, now: () => ctx.clock.now() });
  logger.info("stopping", { viewers: fanout.size });
  clearInterval(gauges);
  await server.close();
  await health.close();
  return 0;
}

/**
 * `meetuphype watch`: a client of WatchTrending that prints rankings like the
 * console output. It reconnects with backoff when the server is not up yet or
 * goes away (a line on standard error each time), until `--retries` failures in
 * a row; a successful snapshot resets the count. With `--once` it gives up after
 * `--timeout-ms` without a ranking. The console view prints a ranking when its
 * names (or its caveat) change; `--json` prints every snapshot.
 */
import { followTrending, fromWire, trendingClient, type ServedSnapshot } from "@meetuphype/grpc";
import { formatConsole, snapshotCaveat } from "@meetuphype/pipeline";
import { WATCH_OPTIONS, watchConfig, type WatchConfig } from "../config.js";
import type { CommandContext } from "@meetuphype/config";
import { optionHelp } from "@meetuphype/config";
import { DEFAULT_RECONNECT } from "@meetuphype/grpc";

/** The command's options (for `--print-config`). */
export { WATCH_OPTIONS };

export const WATCH_USAGE = `Usage: meetuphype watch [options]

Subscribes to meetuphype.v1.TrendingService/WatchTrending and prints each
ranking: the console shape by default, one JSON object per line with --json.
When the server is not up yet or goes away, it reconnects with backoff
(0.5 s doubling to 10 s), saying so on standard error.

Options:
${optionHelp(WATCH_OPTIONS)}`;

function snapshotLine(s: ServedSnapshot): string {
  const { asOfMs, topics, stale = false, catchingUp = false, recordsBehind = 0 } = s;
  const cut = (s.cut ?? []).map((c) => ({ topic: s.inputTopic ?? "", partition: c.partition, nextOffset: c.next }));
  return `${JSON.stringify({ asOfMs, stale, catchingUp, recordsBehind, pendingMessages: recordsBehind, cut, topics })}\n`;
}

export async function watchCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = watchConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${WATCH_USAGE}\n`);
    return 0;
  }
  for (const w of cfg.tls?.warnings ?? []) ctx.stderr.write(`watch: ${w}\n`);
  const client = trendingClient(cfg.addr, cfg.tls);
  try {
    return await watchLoop(cfg, ctx, client);
  } finally {
    client.close();
  }
}

/** What the console shows of a ranking: its names and caveat (a score or the clock moving alone prints nothing). */
export const consoleView = (s: ServedSnapshot): string => JSON.stringify([s.topics.map((t) => t.name), snapshotCaveat(s)]);

async function watchLoop(cfg: WatchConfig, ctx: CommandContext, client: ReturnType<typeof trendingClient>): Promise<number> {
  let shown: string | undefined;
  const end = await followTrending({
    client,
    limit: cfg.limit,
    policy: { ...DEFAULT_RECONNECT, retries: cfg.retries },
    signal: ctx.signal,
    // --once gives up after the timeout, whether the server is away or serves no ranking yet.
    ...(cfg.once && cfg.timeoutMs > 0 ? { deadline: Date.now() + cfg.timeoutMs } : {}),
    onSnapshot: (w) => {
      const s = fromWire(w);
      if (cfg.json) ctx.stdout.write(snapshotLine(s));
      else if (consoleView(s) !== shown) {
        shown = consoleView(s);
        ctx.stdout.write(formatConsole(s));
      }
      return cfg.once;
    },
    onLost: ({ reason, delayMs }) => {
      if (delayMs !== undefined)
        ctx.stderr.write(`meetuphype watch: ${cfg.addr}: ${reason}; reconnecting in ${(delayMs / 1000).toFixed(1)} s\n`);
    },
  });
  switch (end.kind) {
    case "done":
    case "stopped":
      return 0;
    case "timed-out":
      ctx.stderr.write(
        `meetuphype watch: no ranking from ${cfg.addr} within ${(cfg.timeoutMs / 1000).toFixed(1)} s${end.reason === undefined ? "" : ` (${end.reason})`}. Is \`meetuphype run\` (or the aggregator) serving there, with a ranking yet? Set --addr, or --timeout-ms to wait longer.\n`,
      );
      return 1;
    case "gave-up":
      ctx.stderr.write(
        `meetuphype watch: cannot watch ${cfg.addr}: ${end.reason} (${end.failures} attempt${end.failures === 1 ? "" : "s"}). Is \`meetuphype run\` (or the aggregator) serving there? Set --addr, or --retries -1 to keep trying.\n`,
      );
      return 1;
  }
}

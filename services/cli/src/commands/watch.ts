/** `meetuphype watch`: a client of WatchTrending that prints rankings like the console output. */
import type { ServiceError } from "@grpc/grpc-js";
import { trendingClient, watchTrending } from "@meetuphype/grpc";
import { formatConsole } from "@meetuphype/pipeline";
import { WATCH_OPTIONS, watchConfig } from "../config.js";
import type { CommandContext } from "@meetuphype/config";
import { optionHelp } from "@meetuphype/config";

export const WATCH_USAGE = `Usage: meetuphype watch [options]

Subscribes to meetuphype.v1.TrendingService/WatchTrending and prints each
ranking: the console shape by default, one JSON object per line with --json.

Options:
${optionHelp(WATCH_OPTIONS)}`;

export async function watchCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = watchConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${WATCH_USAGE}\n`);
    return 0;
  }
  const client = trendingClient(cfg.addr);
  const watch = watchTrending(client, cfg.limit, (s) => {
    ctx.stdout.write(cfg.json ? `${JSON.stringify({ asOfMs: s.asOfMs, topics: s.topics })}\n` : formatConsole(s));
    if (cfg.once) watch.cancel();
  });
  const onAbort = (): void => watch.cancel();
  ctx.signal.addEventListener("abort", onAbort);
  try {
    await watch.done;
    return 0;
  } catch (err) {
    const e = err as ServiceError;
    ctx.stderr.write(
      `meetuphype watch: cannot watch ${cfg.addr}: ${e.details ?? e.message}. Is \`meetuphype run\` (or the aggregator) serving there? Set --addr.\n`,
    );
    return 1;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    client.close();
  }
}

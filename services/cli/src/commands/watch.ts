/**
 * `meetuphype watch`: a client of WatchTrending that prints rankings like the
 * console output. It reconnects with backoff when the server is not up yet or
 * goes away (a line on standard error each time), until `--retries` failures in
 * a row; a successful snapshot resets the count. With `--once` it gives up after
 * `--timeout-ms` without a ranking. The console view prints a ranking when its
 * names (or its caveat) change; `--json` prints every snapshot.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceError } from "@grpc/grpc-js";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { formatConsole, snapshotCaveat } from "@meetuphype/pipeline";
import { WATCH_OPTIONS, watchConfig, type WatchConfig } from "../config.js";
import type { CommandContext } from "@meetuphype/config";
import { optionHelp } from "@meetuphype/config";
import { DEFAULT_RECONNECT, grpcReason, nextDelay } from "@meetuphype/grpc";

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
  const policy = { ...DEFAULT_RECONNECT, retries: cfg.retries };
  let failures = 0;
  let shown: string | undefined;
  // --once gives up after the timeout, whether the server is away or serves no ranking yet.
  const deadline = cfg.once && cfg.timeoutMs > 0 ? Date.now() + cfg.timeoutMs : undefined;
  let timedOut = false;
  for (;;) {
    let received = false;
    let done = false;
    const watch = watchTrending(client, cfg.limit, (s) => {
      received = true;
      failures = 0;
      if (cfg.json) ctx.stdout.write(snapshotLine(s));
      else if (consoleView(s) !== shown) {
        shown = consoleView(s);
        ctx.stdout.write(formatConsole(s));
      }
      if (cfg.once) {
        done = true;
        watch.cancel();
      }
    });
    const onAbort = (): void => watch.cancel();
    ctx.signal.addEventListener("abort", onAbort);
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              watch.cancel();
            },
            Math.max(0, deadline - Date.now()),
          );
    let why: string;
    try {
      await watch.done;
      why = "the server ended the stream";
    } catch (err) {
      const e = err as ServiceError;
      why = grpcReason(e.details ?? e.message);
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      clearTimeout(timer);
    }
    if (done || ctx.signal.aborted) return 0;
    if (timedOut || (deadline !== undefined && Date.now() >= deadline)) {
      ctx.stderr.write(
        `meetuphype watch: no ranking from ${cfg.addr} within ${(cfg.timeoutMs / 1000).toFixed(1)} s${timedOut ? "" : ` (${why})`}. Is \`meetuphype run\` (or the aggregator) serving there, with a ranking yet? Set --addr, or --timeout-ms to wait longer.\n`,
      );
      return 1;
    }
    failures = received ? 1 : failures + 1;
    const delay = nextDelay(policy, failures, Math.random());
    if (delay === undefined) {
      ctx.stderr.write(
        `meetuphype watch: cannot watch ${cfg.addr}: ${why} (${failures} attempt${failures === 1 ? "" : "s"}). Is \`meetuphype run\` (or the aggregator) serving there? Set --addr, or --retries -1 to keep trying.\n`,
      );
      return 1;
    }
    ctx.stderr.write(`meetuphype watch: ${cfg.addr}: ${why}; reconnecting in ${(delay / 1000).toFixed(1)} s\n`);
    const pause = deadline === undefined ? delay : Math.min(delay, Math.max(0, deadline - Date.now()));
    await sleep(pause, undefined, { signal: ctx.signal }).catch(() => undefined);
    if (ctx.signal.aborted) return 0;
  }
}

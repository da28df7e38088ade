/** `meetuphype generate`: writes synthetic RSVP lines (for benchmarks, tests and the producer). */
import { createWriteStream } from "node:fs";
import { SyntheticSource } from "@meetuphype/pipeline";
import { GENERATE_OPTIONS, generateConfig } from "../config.js";
import type { CommandContext } from "@meetuphype/config";
import { writeOut } from "../io.js";
import { optionHelp } from "@meetuphype/config";

/** The command's options (for `--print-config`). */
export { GENERATE_OPTIONS };

export const GENERATE_USAGE = `Usage: meetuphype generate [options]

Writes synthetic RSVP JSON lines, deterministic for a seed.

Options:
${optionHelp(GENERATE_OPTIONS)}`;

export async function generateCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = generateConfig(argv, ctx.env);
  if (cfg.help) {
    await writeOut(ctx.stdout, `${GENERATE_USAGE}\n`);
    return 0;
  }
  const out = cfg.output === undefined ? ctx.stdout : createWriteStream(cfg.output);
  const src = new SyntheticSource({ seed: cfg.seed, rate: cfg.rate, startMs: cfg.startMs });
  for (let i = 0; i < cfg.count && !ctx.signal.aborted;) {
    const n = Math.min(1000, cfg.count - i);
    let chunk = "";
    for (let j = 0; j < n; j++) chunk += `${src.next()}\n`;
    await writeOut(out, chunk);
    i += n;
  }
  if (out !== ctx.stdout)
    await new Promise<void>((resolve, reject) =>
      (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  return 0;
}

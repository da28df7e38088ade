/** The process wiring every command and service shares: signals, exit codes and known errors. */
import { redactSecrets } from "@meetuphype/log";
import { isKnownError } from "@meetuphype/core";
import type { CommandContext } from "./context.js";
import { ConfigError } from "./errors.js";
import { watchSupervisor } from "./supervisor.js";

/** How long a service may take to stop after its supervisor is gone. */
const SUPERVISOR_GONE_EXIT_MS = 15_000;

/**
 * The exit code for a known error (2 for bad configuration, 1 for the others),
 * after writing its message; undefined for an unknown error, which is a bug.
 */
export function reportKnownError(err: unknown, label: string, write: (s: string) => void, stopping = false): number | undefined {
  // Stopped (SIGTERM) while still retrying, e.g. waiting for a broker: a clean stop, not a failure.
  if (stopping && isKnownError(err) && err.code === "RETRY_ABORTED") return 0;
  // A broker URL in a message may carry a password: never echoed.
  if (err instanceof ConfigError) {
    write(`${label}: ${redactSecrets(err.message)}\n`);
    return 2;
  }
  // Every other error the project throws on purpose (KnownError): its message names the cause and the fix.
  if (isKnownError(err)) {
    write(`${label}: ${redactSecrets(err.message)}\n`);
    return 1;
  }
  return undefined;
}

export async function serviceMain(
  run: (argv: readonly string[], ctx: CommandContext) => Promise<number>,
  argv = process.argv.slice(2),
  label = "meetuphype",
): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) {
      process.stderr.write(`${label}: second ${sig}, exiting now\n`);
      process.exit(130);
    }
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  watchSupervisor(() => {
    process.stderr.write(`${label}: the supervising process is gone, stopping\n`);
    controller.abort();
    // As after a SIGTERM the service hands over and drains; it must not outlive its supervisor for long.
    setTimeout(() => process.exit(1), SUPERVISOR_GONE_EXIT_MS).unref();
  });
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  let code: number;
  try {
    code = await run(argv, {
      env: process.env,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      stderrIsTTY: process.stderr.isTTY === true,
      clock: { now: () => Date.now() },
      signal: controller.signal,
    });
  } catch (err) {
    const known = reportKnownError(err, label, (t) => process.stderr.write(t), controller.signal.aborted);
    if (known === undefined) throw err;
    code = known;
  }
  process.exitCode = code;
  // gRPC channels, sockets and stdin may keep the loop alive after the work is done.
  setTimeout(() => process.exit(code), 200).unref();
}

/** What a command or service gets from the process: its edges, passed in so that it can be tested in-process. */
import type { Readable } from "node:stream";

export interface CommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: Readable;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stderrIsTTY: boolean;
  readonly clock: { now(): number };
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
}

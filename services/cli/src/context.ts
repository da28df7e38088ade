/** What a command gets from the process: the edges, passed in so that commands can be tested in-process. */
import type { Readable } from "node:stream";
import type { Clock } from "@meetuphype/actors";

export interface CommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: Readable;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stderrIsTTY: boolean;
  readonly clock: Clock;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
}

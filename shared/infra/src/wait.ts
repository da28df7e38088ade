/** Waiting for a server to answer, with a deadline and a reason when it does not. */
import { KnownError } from "@meetuphype/core";
import { connect as tcpConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export class NotReadyError extends KnownError {
  readonly code = "INFRA_NOT_READY";
  readonly retriable = true;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

/** Resolves once a TCP connection to host:port succeeds. */
export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Calls `probe` until it resolves true, or throws after `timeoutMs` with `what` and the last error. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new NotReadyError(`${what}: the process exited while starting`);
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new NotReadyError(
    `${what} did not become ready within ${timeoutMs / 1000} s${last instanceof Error ? `: ${last.message}` : ""}`,
    last,
  );
}

/**
 * When `meetuphype cluster` starts a child again after it exited on its own, as Kubernetes does
 * for a crashing container: at once the first time, then after a doubling wait (1 s up to 30 s,
 * with the project's jitter), the count forgotten once a child has run for a minute. Pure.
 */
import { backoffDelay, type Backoff } from "@meetuphype/core";

export const RESTART_BACKOFF: Backoff = { firstDelayMs: 1000, maxDelayMs: 30_000 };
/** A child that ran this long before it exited is restarted as if for the first time. */
export const RESTART_RESET_AFTER_MS = 60_000;

export interface Restart {
  /** Restarts in a row so far, this one included. */
  readonly restarts: number;
  readonly delayMs: number;
}

/** The next restart of a child that ran `ranMs` and had been restarted `restarts` times in a row. */
export function nextRestart(restarts: number, ranMs: number, random: number): Restart {
  const n = ranMs >= RESTART_RESET_AFTER_MS ? 1 : restarts + 1;
  return { restarts: n, delayMs: n === 1 ? 0 : (backoffDelay(RESTART_BACKOFF, n - 1, random) ?? RESTART_BACKOFF.maxDelayMs) };
}

/** The line a restart prints: what the child did and when it comes back. */
export function restartLine(name: string, exit: string, r: Restart): string {
  const when = r.delayMs === 0 ? "restarting it now" : `restarting it in ${(r.delayMs / 1000).toFixed(1)} s`;
  return `[${name}] exited ${exit} while the cluster runs; ${when} (restart ${r.restarts} in a row)`;
}

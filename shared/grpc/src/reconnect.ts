/**
 * The reconnect policy of `meetuphype watch`: capped exponential backoff with
 * jitter, and whether to give up. Pure: the caller sleeps and counts.
 */
export interface ReconnectPolicy {
  /** Failed attempts in a row tolerated before giving up; negative = never give up. */
  readonly retries: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RECONNECT: Omit<ReconnectPolicy, "retries"> = { firstDelayMs: 500, maxDelayMs: 10_000 };

/** The wait before attempt `failures + 1` (failures ≥ 1), or undefined to give up. `random` in [0, 1). */
export function nextDelay(policy: ReconnectPolicy, failures: number, random: number): number | undefined {
  if (policy.retries >= 0 && failures > policy.retries) return undefined;
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(failures - 1, 30));
  // ±20 %: many watchers of one restarted server do not all come back in the same instant.
  return Math.round(base * (0.8 + 0.4 * random));
}

/**
 * A gRPC failure's text for people: grpc-js ends some with an empty "Resolution note: ",
 * which is dropped. Pure.
 */
export function grpcReason(details: string): string {
  return details.replace(/[.;,]?\s*Resolution note:\s*$/, "").trim();
}

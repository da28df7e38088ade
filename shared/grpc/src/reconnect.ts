/**
 * The reconnect policy of `meetuphype watch` and the board: the project's one backoff
 * (`@meetuphype/core` backoff.ts) with the numbers of a client that waits for a server.
 */
import { backoffDelay, type Backoff } from "@meetuphype/core";

export type ReconnectPolicy = Backoff & { readonly retries: number };

export const DEFAULT_RECONNECT: Omit<ReconnectPolicy, "retries"> = { firstDelayMs: 500, maxDelayMs: 10_000 };

/** The wait before attempt `failures + 1` (failures ≥ 1), or undefined to give up. `random` in [0, 1). */
export const nextDelay = (policy: ReconnectPolicy, failures: number, random: number): number | undefined =>
  backoffDelay(policy, failures, random);

/**
 * A gRPC failure's text for people: grpc-js ends some with an empty "Resolution note: ",
 * which is dropped. Pure.
 */
export function grpcReason(details: string): string {
  return details.replace(/[.;,]?\s*Resolution note:\s*$/, "").trim();
}

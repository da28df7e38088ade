/**
 * Following WatchTrending for as long as a client wants it: one stream at a time, and when it
 * fails or ends, a reason for people and the project's backoff before the next try, until the
 * caller has what it wanted, gives up (`policy.retries`), runs out of time (`deadline`) or
 * stops (`signal`). `meetuphype watch` and the board both follow this way; they differ only in
 * what they do with each ranking and each loss.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { status, type ServiceError } from "@grpc/grpc-js";
import type { TrendingServiceClient, TrendingSnapshot } from "@meetuphype/proto";
import { grpcReason, nextDelay, type ReconnectPolicy } from "./reconnect.js";

export interface FollowOptions {
  readonly client: TrendingServiceClient;
  /** Topics per ranking (0: as many as the server ranks). */
  readonly limit: number;
  /** The waits between tries; `retries` failures in a row without a ranking end it (negative: never). */
  readonly policy: ReconnectPolicy;
  readonly signal: AbortSignal;
  /** Ends it when no ranking came by then (ms since the epoch). */
  readonly deadline?: number;
  /** Before each try (the board asks for the history here). */
  readonly beforeTry?: () => Promise<void>;
  /** Each ranking, with whether it is the first of this stream; `true` ends the following. */
  readonly onSnapshot: (s: TrendingSnapshot, first: boolean) => boolean | void;
  /** A stream failed or ended: why, and the wait before the next try (undefined: giving up). */
  readonly onLost?: (lost: {
    readonly reason: string;
    readonly delayMs: number | undefined;
    readonly failures: number;
    readonly everReceived: boolean;
  }) => void;
}

export type FollowEnd =
  | { readonly kind: "done" }
  | { readonly kind: "stopped" }
  | { readonly kind: "gave-up"; readonly reason: string; readonly failures: number }
  | { readonly kind: "timed-out"; readonly reason: string | undefined };

/** A failure's text for people: the gRPC details when there are any. */
export function followReason(err: unknown): string {
  const details =
    err !== null && typeof err === "object" && "details" in err && typeof err.details === "string" && err.details !== ""
      ? err.details
      : undefined;
  return grpcReason(details ?? (err instanceof Error ? err.message : String(err)));
}

export async function followTrending(o: FollowOptions): Promise<FollowEnd> {
  let failures = 0;
  let everReceived = false;
  for (;;) {
    if (o.signal.aborted) return { kind: "stopped" };
    await o.beforeTry?.();
    let received = false;
    let done = false;
    let timedOut = false;
    const call = o.client.watchTrending({ limit: o.limit });
    const cancel = (): void => call.cancel();
    o.signal.addEventListener("abort", cancel, { once: true });
    const timer =
      o.deadline === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              call.cancel();
            },
            Math.max(0, o.deadline - Date.now()),
          );
    let reason = "the server ended the stream";
    try {
      await new Promise<void>((resolve, reject) => {
        call.on("data", (s: TrendingSnapshot) => {
          if (done) return;
          const first = !received;
          received = everReceived = true;
          failures = 0;
          if (o.onSnapshot(s, first) === true) {
            done = true;
            call.cancel();
          }
        });
        call.on("end", () => resolve());
        call.on("error", (err: ServiceError) => (err.code === status.CANCELLED ? resolve() : reject(err)));
      });
    } catch (err) {
      reason = followReason(err);
    } finally {
      o.signal.removeEventListener("abort", cancel);
      clearTimeout(timer);
    }
    if (done) return { kind: "done" };
    if (o.signal.aborted) return { kind: "stopped" };
    if (timedOut || (o.deadline !== undefined && Date.now() >= o.deadline))
      return { kind: "timed-out", reason: timedOut ? undefined : reason };
    failures = received ? 1 : failures + 1;
    const delayMs = nextDelay(o.policy, failures, Math.random());
    o.onLost?.({ reason, delayMs, failures, everReceived });
    if (delayMs === undefined) return { kind: "gave-up", reason, failures };
    const pause = o.deadline === undefined ? delayMs : Math.min(delayMs, Math.max(0, o.deadline - Date.now()));
    await sleep(pause, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

/**
 * The line over the board: whether what it shows is live and, if not, what a viewer should
 * expect, in words. The technical reason (an address, a gRPC error) never reaches the page:
 * it is in the board's log and in /api/stream's `upstream` event. Pure.
 */
import type { Snapshot, Upstream } from "./types.js";

export type StatusKind = "connecting" | "live" | "catching-up" | "stale" | "disconnected";

export function statusLine(o: { pageConnected: boolean; upstream: Upstream | undefined; snapshot: Snapshot | undefined }): {
  readonly kind: StatusKind;
  readonly text: string;
} {
  const lost = !o.pageConnected || (o.upstream !== undefined && !o.upstream.connected);
  if (lost && o.snapshot === undefined) return { kind: "connecting", text: "Waiting for the ranking…" };
  if (lost) return { kind: "disconnected", text: "Reconnecting… The last ranking received stays on screen." };
  if (o.snapshot === undefined) return { kind: "connecting", text: "Waiting for the ranking…" };
  if (o.snapshot.stale) return { kind: "stale", text: "The pipeline is recovering: this is the last complete ranking." };
  if (o.snapshot.catchingUp) {
    const behind = o.snapshot.recordsBehind ?? o.snapshot.pendingMessages;
    const wait = behind > 0 ? `: ${behind.toLocaleString("en-US")} RSVPs still to count` : "";
    return { kind: "catching-up", text: `The ranking is catching up${wait}.` };
  }
  return { kind: "live", text: "Live" };
}

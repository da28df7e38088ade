/**
 * What the page shows, computed without the DOM (unit-tested in Node): rank changes
 * against the previous ranking, sparkline paths, the status line, the parameter line.
 */
import { scoreSeries, type HistoryPoint } from "@meetuphype/core";

export interface Topic {
  readonly rank: number;
  readonly key: string;
  readonly name: string;
  readonly score: number;
}

export interface Parameters {
  readonly topN: number;
  readonly windowDays: number;
  readonly decay: number;
  readonly idleMinutes: number;
  readonly includeEventNames: boolean;
  readonly clock: string;
}

/** A ranking as /api/trending and the `snapshot` events send it. */
export interface Snapshot {
  readonly asOfMs: number;
  readonly topics: readonly Topic[];
  readonly parameters?: Parameters;
  readonly stale: boolean;
  readonly catchingUp: boolean;
  readonly pendingMessages: number;
  readonly recordsBehind?: number;
}

export interface Upstream {
  readonly connected: boolean;
  readonly since: number;
  readonly reason?: string;
}

export type Change = { readonly kind: "new" } | { readonly kind: "same" } | { readonly kind: "up" | "down"; readonly by: number };

/** Each topic's move since `previous` (undefined: the page's first ranking, where nothing moved). */
export function rankChanges(previous: readonly Topic[] | undefined, next: readonly Topic[]): Map<string, Change> {
  const before = new Map((previous ?? []).map((t) => [t.key, t.rank]));
  return new Map(
    next.map((t): [string, Change] => {
      const was = before.get(t.key);
      if (previous === undefined || was === t.rank) return [t.key, { kind: "same" }];
      if (was === undefined) return [t.key, { kind: "new" }];
      return [t.key, was > t.rank ? { kind: "up", by: was - t.rank } : { kind: "down", by: t.rank - was }];
    }),
  );
}

/** The change as text (readable without colour) and in words for screen readers. */
export function changeText(c: Change): { readonly symbol: string; readonly words: string } {
  switch (c.kind) {
    case "new":
      return { symbol: "new", words: "new in the ranking" };
    case "same":
      return { symbol: "=", words: "same rank" };
    case "up":
      return { symbol: `▲${c.by}`, words: `up ${c.by}` };
    case "down":
      return { symbol: `▼${c.by}`, words: `down ${c.by}` };
  }
}

/**
 * An SVG path for a sparkline of `series` in a width × height box: one segment per run
 * of values (a null, where the topic was not ranked, breaks the line); the scale is the
 * series' own, from 0.
 */
export function sparklinePath(series: readonly (number | null)[], width: number, height: number): string {
  const max = Math.max(0, ...series.filter((v): v is number => v !== null));
  if (series.length === 0 || max === 0) return "";
  const step = series.length > 1 ? width / (series.length - 1) : 0;
  const y = (v: number): number => Math.round((height - (v / max) * height) * 10) / 10;
  const parts: string[] = [];
  let run = 0;
  // A run of one value (a topic ranked for one minute) becomes a dot: a short stub, drawn with round caps.
  const endRun = (): void => {
    if (run === 1) parts.push("h0.1");
    run = 0;
  };
  series.forEach((v, i) => {
    if (v === null) return endRun();
    parts.push(`${run === 0 ? "M" : "L"}${Math.round(i * step * 10) / 10} ${y(v)}`);
    run++;
  });
  endRun();
  return parts.join(" ");
}

/** A topic's sparkline over the history and the current ranking. */
export function topicSparkline(points: readonly HistoryPoint[], key: string, untilMs: number, width: number, height: number): string {
  return sparklinePath(scoreSeries(points, key, untilMs), width, height);
}

export type StatusKind = "connecting" | "live" | "catching-up" | "stale" | "disconnected";

/** The line over the board: whether what it shows is live, and if not, why. */
export function statusLine(o: { pageConnected: boolean; upstream: Upstream | undefined; snapshot: Snapshot | undefined }): {
  readonly kind: StatusKind;
  readonly text: string;
} {
  if (!o.pageConnected)
    return o.snapshot === undefined
      ? { kind: "connecting", text: "Connecting to the board…" }
      : { kind: "disconnected", text: "Disconnected from the board: showing the last ranking received. Reconnecting…" };
  if (o.upstream !== undefined && !o.upstream.connected)
    return o.snapshot === undefined
      ? { kind: "connecting", text: `Waiting for the ranking source (${o.upstream.reason ?? "unknown"})…` }
      : {
          kind: "disconnected",
          text: `Disconnected: the board lost its ranking source (${o.upstream.reason ?? "unknown"}). Reconnecting…`,
        };
  if (o.snapshot === undefined) return { kind: "connecting", text: "Waiting for the first ranking…" };
  if (o.snapshot.stale) return { kind: "stale", text: "Stale: the pipeline is recovering; this is the last complete ranking." };
  if (o.snapshot.catchingUp)
    return {
      kind: "catching-up",
      text: `Catching up: ${o.snapshot.recordsBehind ?? o.snapshot.pendingMessages} records wait; the ranking is exact for the records before them.`,
    };
  return { kind: "live", text: "Live" };
}

/** "2017-03-18 20:15:07 UTC": the ranking's time (the trending clock), in UTC. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function parametersText(p: Parameters | undefined): string {
  if (p === undefined) return "";
  const events = p.includeEventNames ? ", event names counted" : "";
  return `top ${p.topN} · window ${p.windowDays} d · decay ${p.decay} · idle ${p.idleMinutes} min · ${p.clock} clock${events}`;
}

/** Scores as the console prints them: up to 2 decimals. */
export const formatScore = (s: number): string => (Math.round(s * 100) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 });

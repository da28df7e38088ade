/**
 * How the ranking moved over a span of the trending clock, from the history (one point a
 * minute): each topic's rank change since the ranking of `span` ago, and the "rising" view,
 * the ranked topics whose score grew most. Pure.
 */
import type { HistoryPoint } from "@meetuphype/core";
import type { Topic } from "./types.js";

/** The spans a viewer can compare over. */
export const SPANS = [
  { id: "10m", ms: 10 * 60_000, label: "10 min" },
  { id: "1h", ms: 60 * 60_000, label: "1 h" },
  { id: "3h", ms: 3 * 60 * 60_000, label: "3 h" },
] as const;
export type SpanId = (typeof SPANS)[number]["id"];
export const RISING_SPAN_MS = 60 * 60_000;

export interface Reference {
  readonly point: HistoryPoint;
  /** The history does not reach back the whole span: `point` is its oldest. */
  readonly partial: boolean;
}

/**
 * The ranking of `spanMs` before `asOfMs`: the last point at or before that time (a minute
 * without a point had no change). When the history is shorter than the span, its oldest point
 * before `asOfMs`, marked partial; undefined when there is none.
 */
export function referencePoint(points: readonly HistoryPoint[], asOfMs: number, spanMs: number): Reference | undefined {
  const target = asOfMs - spanMs;
  let found: HistoryPoint | undefined;
  for (const p of points) if (p.asOfMs <= target) found = p;
  if (found !== undefined) return { point: found, partial: false };
  const oldest = points[0];
  return oldest !== undefined && oldest.asOfMs < asOfMs ? { point: oldest, partial: true } : undefined;
}

export type Change =
  | { readonly kind: "new" }
  | { readonly kind: "same" }
  | { readonly kind: "unknown" }
  | { readonly kind: "up" | "down"; readonly by: number };

/** Each topic's rank change since `before` (a ranking, best first); "unknown" for all without one. */
export function rankChanges(before: readonly { readonly key: string }[] | undefined, next: readonly Topic[]): Map<string, Change> {
  const was = new Map((before ?? []).map((t, i) => [t.key, i + 1]));
  return new Map(
    next.map((t): [string, Change] => {
      if (before === undefined) return [t.key, { kind: "unknown" }];
      const rank = was.get(t.key);
      if (rank === undefined) return [t.key, { kind: "new" }];
      if (rank === t.rank) return [t.key, { kind: "same" }];
      return [t.key, rank > t.rank ? { kind: "up", by: rank - t.rank } : { kind: "down", by: t.rank - rank }];
    }),
  );
}

/** The change as a symbol (readable without colour) and in words for screen readers and tooltips. */
export function changeText(c: Change, span: string): { readonly symbol: string; readonly words: string } {
  switch (c.kind) {
    case "new":
      return { symbol: "new", words: `not ranked ${span} ago` };
    case "same":
      return { symbol: "=", words: `same rank as ${span} ago` };
    case "unknown":
      return { symbol: "–", words: "no earlier ranking to compare with" };
    case "up":
      return { symbol: `▲${c.by}`, words: `up ${c.by} since ${span} ago` };
    case "down":
      return { symbol: `▼${c.by}`, words: `down ${c.by} since ${span} ago` };
  }
}

export interface Rise extends Topic {
  /** Score now minus the score then (the whole score when it was not ranked then). */
  readonly growth: number;
  /** Not ranked then: its earlier score is unknown, below the ranking's last. */
  readonly isNew: boolean;
}

/** The ranked topics whose score grew since `before`, most growth first (ties: better rank first). */
export function rising(current: readonly Topic[], before: HistoryPoint | undefined): Rise[] {
  if (before === undefined) return [];
  const then = new Map(before.topics.map((t) => [t.key, t.score]));
  return current
    .map((t) => {
      const was = then.get(t.key);
      return { ...t, growth: t.score - (was ?? 0), isNew: was === undefined };
    })
    .filter((r) => r.growth > 0)
    .sort((a, b) => b.growth - a.growth || a.rank - b.rank);
}

/**
 * Sparklines on one fixed time axis: the last 3 hours of the trending clock, one value a
 * minute, "now" at the right edge. A topic first ranked an hour ago starts two thirds of the
 * way along; one that left the ranking has a gap. Each line is scaled to its own peak, which
 * the page prints beside it, so a rising, a steady and a falling topic look different. Pure.
 */
import { HISTORY_HORIZON_MS, HISTORY_RESOLUTION_MS, historyBucket, scoreSeries, type HistoryPoint } from "@meetuphype/core";

export const SPARK_SPAN_MS = HISTORY_HORIZON_MS;

/**
 * `key`'s score each minute over the span ending at `untilMs`'s minute (span/resolution values,
 * oldest first, as many minutes as the history keeps): null where the history does not reach or
 * the topic was not ranked.
 */
export function axisSeries(
  points: readonly HistoryPoint[],
  key: string,
  untilMs: number,
  spanMs = SPARK_SPAN_MS,
  resolutionMs = HISTORY_RESOLUTION_MS,
): (number | null)[] {
  const slots = Math.round(spanMs / resolutionMs);
  const last = historyBucket(untilMs, resolutionMs);
  const first = last - slots + 1;
  const known = points.filter((p) => historyBucket(p.asOfMs, resolutionMs) <= last);
  const series = scoreSeries(known, key, untilMs, resolutionMs);
  const start = known[0] === undefined ? last + 1 : historyBucket(known[0].asOfMs, resolutionMs);
  return Array.from({ length: slots }, (_, i) => {
    const at = first + i - start;
    return at >= 0 && at < series.length ? (series[at] ?? null) : null;
  });
}

/** The largest value of a series (0 when it has none). */
export const peakOf = (series: readonly (number | null)[]): number => Math.max(0, ...series.filter((v): v is number => v !== null));

/**
 * An SVG path for `series` on a width × height box, x fixed by position (the first value at
 * 0, the last at `width`), y scaled from 0 to `max`. A null breaks the line; a lone value is a
 * dot (a short stub drawn with round caps).
 */
export function sparklinePath(series: readonly (number | null)[], width: number, height: number, max = peakOf(series)): string {
  if (series.length === 0 || max <= 0) return "";
  const step = series.length > 1 ? width / (series.length - 1) : 0;
  const round = (n: number): number => Math.round(n * 10) / 10;
  const y = (v: number): number => round(height - (Math.min(v, max) / max) * height);
  const parts: string[] = [];
  let run = 0;
  const endRun = (): void => {
    if (run === 1) parts.push("h0.1");
    run = 0;
  };
  series.forEach((v, i) => {
    if (v === null) return endRun();
    parts.push(`${run === 0 ? "M" : "L"}${round(i * step)} ${y(v)}`);
    run++;
  });
  endRun();
  return parts.join(" ");
}

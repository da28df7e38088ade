/** Time arithmetic of the trending model. All times are ms since the epoch. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);

/** The oldest hour bucket that still counts at `now`. */
export function firstLiveHour(now: number, windowDays: number): number {
  return hourOf(now) - 24 * windowDays;
}

/** The oldest minute bucket that still counts for eligibility at `now`. */
export function firstLiveMinute(now: number, idleMinutes: number): number {
  return minuteOf(now - idleMinutes * MINUTE_MS);
}

/**
 * How long a version must be remembered: after this long its contribution can
 * no longer count towards a score (window + 1 h) nor eligibility (idle + 1 min),
 * so forgetting it cannot change a ranking.
 */
export function versionRetentionMs(windowDays: number, idleMinutes: number): number {
  return Math.max(windowDays * 24 * HOUR_MS + HOUR_MS, idleMinutes * MINUTE_MS + MINUTE_MS);
}

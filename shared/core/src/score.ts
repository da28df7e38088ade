/** The score of a topic from its hour buckets (the "Score and ranking" section). */

/**
 * `Σ_b count_b / (|c - b| + 1)^decay` over the buckets with `b >= firstHour`,
 * summed in ascending `b`. `hours` need not be sorted.
 */
export function scoreOf(hours: ReadonlyMap<number, number>, currentHour: number, firstHour: number, decay: number): number {
  const live: number[] = [];
  for (const b of hours.keys()) if (b >= firstHour) live.push(b);
  live.sort((a, b) => a - b);
  let score = 0;
  for (const b of live) {
    const count = hours.get(b) ?? 0;
    score += decay === 0 ? count : count / Math.pow(Math.abs(currentHour - b) + 1, decay);
  }
  return score;
}

/** The sum of the minute buckets in `[firstMinute, lastMinute]`. */
export function minuteSum(minutes: ReadonlyMap<number, number>, firstMinute: number, lastMinute: number): number {
  let sum = 0;
  for (const [m, count] of minutes) if (m >= firstMinute && m <= lastMinute) sum += count;
  return sum;
}

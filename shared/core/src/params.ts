/** The trending-model parameters (see docs/trending-model.md). */
export interface TrendingParams {
  /** How many topics a ranking holds. @default 20 */
  readonly topN: number;
  /** Hour buckets older than this many days are dropped. @default 1 */
  readonly windowDays: number;
  /** How fast old hours lose weight; 0 = plain popularity. @default 1 */
  readonly decay: number;
  /** A topic with no live positive RSVP in this many minutes leaves the ranking. @default 70 */
  readonly idleMinutes: number;
  /** Also count each RSVP's event name as a topic. @default false */
  readonly includeEventNames: boolean;
  /** `event`: now = largest valid mtime seen; `processing`: now = wall clock. @default "event" */
  readonly clock: ClockMode;
}

export const ClockMode = { Event: "event", Processing: "processing" } as const;
export type ClockMode = (typeof ClockMode)[keyof typeof ClockMode];

export const DEFAULT_PARAMS: TrendingParams = Object.freeze({
  topN: 20,
  windowDays: 1,
  decay: 1,
  idleMinutes: 70,
  includeEventNames: false,
  clock: ClockMode.Event,
});

/** Returns the problems with a parameter set, one message per bad field (empty when valid). */
export function paramProblems(p: TrendingParams): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(p.topN) || p.topN < 1 || p.topN > 10_000) {
    problems.push(`topN must be an integer in [1, 10000], got ${p.topN}`);
  }
  if (!Number.isInteger(p.windowDays) || p.windowDays < 1 || p.windowDays > 365) {
    problems.push(`windowDays must be an integer in [1, 365], got ${p.windowDays}`);
  }
  if (!Number.isFinite(p.decay) || p.decay < 0 || p.decay > 100) {
    problems.push(`decay must be a number in [0, 100], got ${p.decay}`);
  }
  if (!Number.isInteger(p.idleMinutes) || p.idleMinutes < 1 || p.idleMinutes > 525_600) {
    problems.push(`idleMinutes must be an integer in [1, 525600], got ${p.idleMinutes}`);
  }
  if (p.clock !== ClockMode.Event && p.clock !== ClockMode.Processing) {
    problems.push(`clock must be "event" or "processing", got ${String(p.clock)}`);
  }
  return problems;
}

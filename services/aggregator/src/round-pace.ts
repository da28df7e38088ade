/**
 * When the aggregator's next round starts. Never sooner than the emit interval after the last
 * round began (the short HURRY_GAP_MS after a round that completed catching up while its cut
 * moves, so that a backlog's end shows within a round or so).
 *
 * While the input flows, a round also begins just after a step: the input covered moves in
 * steps (an ingest fetch reaches every dedup shard at about once; input-steps.ts sees it in
 * their coverage notices), and a round that begins SETTLE_MS after one ranks its records at
 * once. A round at a fixed phase made a step's records wait half an interval on average and a
 * whole one at worst. So once the interval is out, a round begins if a step came within the last
 * SETTLE_MS, or else at the next step, waiting half an interval more at most. With the input idle
 * for an interval it waits for none, so an idle pipeline still ranks every interval.
 */

/** Rounds begin at least this far apart while the ranking catches up (never further apart than the interval). */
export const HURRY_GAP_MS = 100;

/** How long after a step is seen the round that ranks it begins (the counter shards' deltas arrive meanwhile). */
export const SETTLE_MS = 10;

/** How early in the interval a round may follow a step, as a part of it. */
export const EARLY = 0.25;

/** The records a cut covers, over all partitions: it grows exactly when the cut moves. Pure. */
export const coveredBy = (cut: readonly { readonly next: number }[] | undefined): number => (cut ?? []).reduce((n, p) => n + p.next, 0);

export interface PaceState {
  readonly intervalMs: number;
  /** When the last round began. */
  readonly startedAt: number;
  readonly now: number;
  /** The last round completed catching up with its cut moving. */
  readonly hurried: boolean;
  /** When the input last stepped beyond the latest cut asked (-Infinity: never seen). */
  readonly stepAt: number;
}

/** How long after `now` the next round is due. Pure. */
export function nextRoundIn(s: PaceState): number {
  const gap = s.hurried ? Math.min(s.intervalMs, HURRY_GAP_MS) : s.intervalMs;
  const earliest = s.startedAt + gap;
  let at = earliest;
  if (!s.hurried && s.stepAt > s.startedAt - gap) {
    // Flowing: follow a step from a quarter interval early on, or wait for the next one.
    const early = s.startedAt + gap * (1 - EARLY);
    at = s.stepAt + SETTLE_MS >= early ? s.stepAt + SETTLE_MS : earliest + gap / 2;
  }
  return Math.max(0, at - s.now);
}

export class RoundPace {
  private startedAt: number;
  private hurried = false;
  private stepAt = -Infinity;
  /** The most records a completed round's cut covered, and when that grew last. */
  private covered = -1;
  private movedAt = -Infinity;
  private wake: (() => void) | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** A round begins now. */
  began(): void {
    this.startedAt = this.now();
    this.hurried = false;
  }

  /** The input moved beyond the latest cut asked (a step): the next round may follow it. */
  stepped(): void {
    this.stepAt = this.now();
    this.wake?.();
  }

  /**
   * A round completed with a ranking whose cut covers `covered` records: if it is catching up and
   * its cut has moved within the last interval, the next round comes early. (A round or two that
   * find the same cut are usual: the counters' coverage moves by batches.)
   */
  completed(catchingUp: boolean, covered: number): void {
    const now = this.now();
    if (covered > this.covered) {
      this.covered = covered;
      this.movedAt = now;
    }
    if (!catchingUp || now - this.movedAt >= this.intervalMs) return;
    this.hurried = true;
    this.wake?.();
  }

  private state(): PaceState {
    const { intervalMs, startedAt, hurried, stepAt } = this;
    return { intervalMs, startedAt, now: this.now(), hurried, stepAt };
  }

  /** Resolves when the next round is due, or when `signal` aborts. */
  async due(signal: AbortSignal): Promise<void> {
    for (;;) {
      const ms = nextRoundIn(this.state());
      if (ms === 0 || signal.aborted) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        this.wake = done;
      });
    }
  }
}

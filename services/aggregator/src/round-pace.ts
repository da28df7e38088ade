/**
 * When the aggregator's next round starts: every emit interval, as configured; but after a round
 * that completed with a ranking catching up (records have waited in the input) while its cut
 * moves (further than before, within the last interval), as soon as HURRY_GAP_MS after that round
 * began. So a backlog's end shows in the ranking within a round or so, not up to an interval
 * later; a steady stream keeps the interval it was given, and so does a pipeline that is behind
 * but not moving (the counters stalled, or Kafka away, when the end offsets cannot be read and
 * every ranking counts as catching up).
 */

/** Rounds begin at least this far apart while the ranking catches up (never further apart than the interval). */
export const HURRY_GAP_MS = 100;

/** The records a cut covers, over all partitions: it grows exactly when the cut moves. Pure. */
export const coveredBy = (cut: readonly { readonly next: number }[] | undefined): number => (cut ?? []).reduce((n, p) => n + p.next, 0);

/** How long after `now` the next round is due, the last one having begun at `startedAt`. Pure. */
export function nextRoundIn(intervalMs: number, startedAt: number, now: number, hurried: boolean): number {
  const gap = hurried ? Math.min(intervalMs, HURRY_GAP_MS) : intervalMs;
  return Math.max(0, startedAt + gap - now);
}

export class RoundPace {
  private startedAt: number;
  private hurried = false;
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

  /** Resolves when the next round is due, or when `signal` aborts. */
  async due(signal: AbortSignal): Promise<void> {
    for (;;) {
      const ms = nextRoundIn(this.intervalMs, this.startedAt, this.now(), this.hurried);
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

/**
 * Each partition's batch still in flight: being parsed and sent, or waiting for its
 * acknowledgements, its clock store and its offset commit. The partition's next batch starts only
 * once this one has settled: a dedup shard must never get a later mark of a partition before all
 * the records of an earlier one (the exact cuts rest on it). Batches of different partitions do
 * not wait for each other, and kafkajs fetches on meanwhile.
 */
export class InFlight {
  private readonly last = new Map<number, Promise<void>>();
  /** Batch handlers running now (they may still add a batch in flight). */
  private readonly handling = new Set<Promise<void>>();

  /** Runs a batch handler, so that `drain` waits for it too. */
  handle(run: () => Promise<void>): Promise<void> {
    const p = run();
    this.handling.add(p);
    const done = (): void => void this.handling.delete(p);
    p.then(done, done);
    return p;
  }

  /** Waits until the partition's batch in flight has settled; rethrows its failure (and forgets it). */
  async settled(partition: number): Promise<void> {
    const p = this.last.get(partition);
    if (p === undefined) return;
    try {
      await p;
    } catch (err) {
      // A later consumer of the partition (after the group restarts it) starts afresh.
      if (this.last.get(partition) === p) this.last.delete(partition);
      throw err;
    }
  }

  /** The partition's new batch in flight (the one before it must have settled). */
  track(partition: number, done: Promise<void>): void {
    this.last.set(partition, done);
    // Once done it is forgotten. A failure stays until the partition's next batch sees it (settled); never unhandled.
    done.then(
      () => {
        if (this.last.get(partition) === done) this.last.delete(partition);
      },
      () => undefined,
    );
  }

  /** Partitions with a batch in flight, or with a failure not seen yet. */
  get size(): number {
    return this.last.size;
  }

  /**
   * Resolves once no handler runs and every batch in flight has settled, whatever the outcome
   * (failures are forgotten). Call it once no new batches come (the consumer paused or stopped).
   */
  async drain(): Promise<void> {
    while (this.handling.size > 0 || this.last.size > 0) {
      const waiting = [...this.handling, ...this.last.values()];
      await Promise.allSettled(waiting);
      for (const [partition, p] of this.last) if (waiting.includes(p)) this.last.delete(partition);
    }
  }
}

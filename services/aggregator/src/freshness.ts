/**
 * How current the served ranking is. A ranking is complete when every counter
 * shard answered one rank request; while shards move or recover they do not
 * answer, and the aggregator keeps serving the last complete ranking: marked
 * stale after `staleAfterMs`, and NOT_SERVING on gRPC health after
 * `notServingAfterMs` (or before the first complete ranking), with the silent
 * shards named, or, when every shard answers, why the rounds do not rank (the
 * aggregator's `stuck`). Pure: the caller passes the time.
 */
export interface FreshnessState {
  readonly stale: boolean;
  readonly serving: boolean;
  /** Why the ranking is stale or not served. */
  readonly reason?: string;
}

export class Freshness {
  private lastComplete: number | undefined;
  private readonly answeredAt = new Map<number, number>();

  constructor(
    private readonly shards: number,
    private readonly staleAfterMs: number,
    private readonly notServingAfterMs: number,
  ) {}

  answered(shard: number, at: number): void {
    this.answeredAt.set(shard, at);
  }

  complete(at: number): void {
    this.lastComplete = at;
  }

  /** When the last complete ranking came (undefined before the first). */
  get lastCompleteAt(): number | undefined {
    return this.lastComplete;
  }

  /** The shards that have not answered within `staleAfterMs` of `at`. */
  silent(at: number): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.shards; s++) {
      const t = this.answeredAt.get(s);
      if (t === undefined || at - t > this.staleAfterMs) out.push(s);
    }
    return out;
  }

  /** @param stuck why the rounds since the last ranking ranked nothing, when known. */
  state(at: number, stuck?: string): FreshnessState {
    const silent = (): string => {
      const s = this.silent(at);
      if (s.length > 0) return `counter shards not answering: ${s.join(",")}`;
      return stuck ?? "counter shards answer, but not to the same request";
    };
    if (this.lastComplete === undefined) return { stale: false, serving: false, reason: `no complete ranking yet (${silent()})` };
    const age = at - this.lastComplete;
    if (age <= this.staleAfterMs) return { stale: false, serving: true };
    const reason = `the last complete ranking is ${Math.round(age / 1000)} s old (${silent()})`;
    return { stale: true, serving: age <= this.notServingAfterMs, reason };
  }
}

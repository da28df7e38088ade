/**
 * The counts of the topics of one counter shard: one entity ("topic actor") per
 * topic key holding its hour and minute buckets. Deterministic, free of I/O.
 */
import type { TopicDelta } from "./contribution.js";
import type { DeltaColumns } from "./delta-columns.js";
import type { TrendingParams } from "./params.js";
import { topK, type RankedTopic } from "./ranking.js";
import { minuteSum, scoreOf } from "./score.js";
import { firstLiveHour, firstLiveMinute, hourOf, minuteOf } from "./time.js";

/** The state of one topic entity. */
export interface TopicState {
  name: string;
  /** The mtime of the record that carried `name` (the most recent name is preferred). */
  nameMtime: number;
  readonly hours: Map<number, number>;
  readonly minutes: Map<number, number>;
}

type Window = Pick<TrendingParams, "windowDays" | "idleMinutes" | "decay">;

function bump(m: Map<number, number>, k: number, by: number): void {
  const v = (m.get(k) ?? 0) + by;
  if (v === 0) m.delete(k);
  else m.set(k, v);
}

export class TopicCounts {
  private readonly topics = new Map<string, TopicState>();
  private now = -Infinity;

  constructor(private readonly params: Window) {}

  get size(): number {
    return this.topics.size;
  }

  /** The largest trending time seen; never goes back. */
  get clock(): number {
    return this.now;
  }

  /** Advances the trending clock (a smaller value is ignored). */
  advance(now: number): void {
    if (now > this.now) this.now = now;
  }

  /**
   * Applies one delta. A bucket already out of the window at the current clock
   * is ignored: both its additions and retractions land after the cut-off, so
   * the result is the same as if the bucket had been dropped.
   */
  apply(d: TopicDelta): void {
    this.change(d.key, d.name, d.hour, d.minute, d.weight, d.mtime);
  }

  /** Applies delta `i` of `from` (its hour and minute follow from its mtime): `apply` without an object. */
  applyAt(from: DeltaColumns, i: number): void {
    const mtime = from.mtimes[i]!;
    this.change(from.keys[i]!, from.names[i]!, hourOf(mtime), minuteOf(mtime), from.weights[i]!, mtime);
  }

  private change(key: string, name: string, hour: number, minute: number, weight: number, mtime: number): void {
    const hourLive = hour >= firstLiveHour(this.now, this.params.windowDays);
    const minuteLive = minute >= firstLiveMinute(this.now, this.params.idleMinutes);
    if (!hourLive && !minuteLive) return;
    let t = this.topics.get(key);
    if (t === undefined) {
      t = { name, nameMtime: mtime, hours: new Map(), minutes: new Map() };
      this.topics.set(key, t);
    } else if (weight > 0 && mtime >= t.nameMtime) {
      t.name = name;
      t.nameMtime = mtime;
    }
    if (hourLive) bump(t.hours, hour, weight);
    if (minuteLive) bump(t.minutes, minute, weight);
    if (t.hours.size === 0 && t.minutes.size === 0) this.topics.delete(key);
  }

  /** Drops buckets out of the window at the current clock, and empty topics. */
  prune(): void {
    const h0 = firstLiveHour(this.now, this.params.windowDays);
    const m0 = firstLiveMinute(this.now, this.params.idleMinutes);
    for (const [key, t] of this.topics) {
      for (const b of t.hours.keys()) if (b < h0) t.hours.delete(b);
      for (const m of t.minutes.keys()) if (m < m0) t.minutes.delete(m);
      if (t.hours.size === 0 && t.minutes.size === 0) this.topics.delete(key);
    }
  }

  /** The eligible topics with their scores at the current clock. */
  ranked(): RankedTopic[] {
    const c = hourOf(this.now);
    const h0 = firstLiveHour(this.now, this.params.windowDays);
    const m0 = firstLiveMinute(this.now, this.params.idleMinutes);
    const m1 = minuteOf(this.now);
    const out: RankedTopic[] = [];
    for (const [key, t] of this.topics) {
      if (minuteSum(t.minutes, m0, m1) <= 0) continue;
      const score = scoreOf(t.hours, c, h0, this.params.decay);
      if (score > 0) out.push({ key, name: t.name, score });
    }
    return out;
  }

  /** The shard's best `k` eligible topics at the current clock. */
  top(k: number): RankedTopic[] {
    return topK(this.ranked(), k);
  }

  /** The topic entities, for a state snapshot (handoff). */
  entries(): IterableIterator<[string, TopicState]> {
    return this.topics.entries();
  }

  /** Restores one topic entity from a snapshot. */
  restore(key: string, t: TopicState): void {
    this.topics.set(key, t);
  }
}

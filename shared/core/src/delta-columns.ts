/**
 * Topic deltas in columns: one array per field instead of an object per delta. A record makes
 * about four deltas; as objects, dedup built them only to copy them into a message's columns,
 * and a counter decoded them into objects only to copy them into its held columns. Each delta's
 * hour and minute follow from its mtime, so they are not kept.
 */
import type { PositionedDelta } from "./contribution.js";
import type { Coverage } from "./cut.js";
import { hourOf, minuteOf } from "./time.js";

/** Where deltas are written one at a time, their fields as arguments (no object per delta). */
export interface DeltaSink {
  add(key: string, name: string, weight: number, mtime: number, partition: number, offset: number): void;
}

export class DeltaColumns implements DeltaSink {
  private n = 0;
  // Entries past `n` are stale (a HeldDeltas keeps its capacity when it hands deltas over).
  readonly keys: string[] = [];
  readonly names: string[] = [];
  readonly weights: number[] = [];
  readonly mtimes: number[] = [];
  readonly partitions: number[] = [];
  readonly offsets: number[] = [];

  /** Columns holding these deltas, in order. */
  static of(deltas: readonly PositionedDelta[]): DeltaColumns {
    const c = new DeltaColumns();
    for (const d of deltas) c.add(d.key, d.name, d.weight, d.mtime, d.partition, d.offset);
    return c;
  }

  get length(): number {
    return this.n;
  }

  add(key: string, name: string, weight: number, mtime: number, partition: number, offset: number): void {
    const i = this.n++;
    this.keys[i] = key;
    this.names[i] = name;
    this.weights[i] = weight;
    this.mtimes[i] = mtime;
    this.partitions[i] = partition;
    this.offsets[i] = offset;
  }

  /** Appends deltas `start` (inclusive) to `end` (exclusive) of `from`, in order. */
  append(from: DeltaColumns, start = 0, end = from.length): void {
    for (let i = start; i < end; i++) this.copy(from, i, this.n++);
  }

  /** Deltas `start` to `end` (exclusive) as new columns. */
  slice(start: number, end: number): DeltaColumns {
    const c = new DeltaColumns();
    c.append(this, start, Math.min(end, this.n));
    return c;
  }

  /** Delta `i` as an object. */
  at(i: number): PositionedDelta {
    const mtime = this.mtimes[i]!;
    return {
      key: this.keys[i]!,
      name: this.names[i]!,
      hour: hourOf(mtime),
      minute: minuteOf(mtime),
      weight: this.weights[i]!,
      mtime,
      partition: this.partitions[i]!,
      offset: this.offsets[i]!,
    };
  }

  /** The deltas as objects, in order (snapshots and tests). */
  toArray(): PositionedDelta[] {
    return Array.from({ length: this.n }, (_, i) => this.at(i));
  }

  /**
   * Hands each delta inside `cut` to `apply` (its index in these columns), in order, and keeps the
   * others, in order: the deltas a counter shard holds until a ranked cut includes them.
   */
  takeInside(cut: Coverage, apply: (from: DeltaColumns, i: number) => void): void {
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      if (cut.includes(this.partitions[i]!, this.offsets[i]!)) apply(this, i);
      else {
        if (i !== kept) this.copy(this, i, kept);
        kept++;
      }
    }
    this.n = kept;
  }

  private copy(from: DeltaColumns, i: number, to: number): void {
    this.keys[to] = from.keys[i]!;
    this.names[to] = from.names[i]!;
    this.weights[to] = from.weights[i]!;
    this.mtimes[to] = from.mtimes[i]!;
    this.partitions[to] = from.partitions[i]!;
    this.offsets[to] = from.offsets[i]!;
  }
}

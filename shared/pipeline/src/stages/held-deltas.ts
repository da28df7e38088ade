/**
 * The deltas a counter shard holds until a ranked cut includes them, in columns: one array per
 * field rather than an object per delta. They wait up to an emit interval, long enough to
 * outlive the young generation; as objects, a second of a backlog's deltas was hundreds of
 * thousands of objects for the garbage collector to copy and then sweep. The columns keep their
 * capacity when deltas are taken out (entries past `length` are stale and unread).
 */
import type { Coverage } from "@meetuphype/core";
import type { PositionedDelta } from "../messages.js";

export class HeldDeltas {
  private n = 0;
  private readonly keys: string[] = [];
  private readonly names: string[] = [];
  private readonly hours: number[] = [];
  private readonly minutes: number[] = [];
  private readonly weights: number[] = [];
  private readonly mtimes: number[] = [];
  private readonly partitions: number[] = [];
  private readonly offsets: number[] = [];

  constructor(deltas: readonly PositionedDelta[] = []) {
    for (const d of deltas) this.push(d);
  }

  get length(): number {
    return this.n;
  }

  push(d: PositionedDelta): void {
    const i = this.n++;
    this.keys[i] = d.key;
    this.names[i] = d.name;
    this.hours[i] = d.hour;
    this.minutes[i] = d.minute;
    this.weights[i] = d.weight;
    this.mtimes[i] = d.mtime;
    this.partitions[i] = d.partition;
    this.offsets[i] = d.offset;
  }

  /** Hands each held delta inside `cut` to `apply`, in arrival order, and keeps the others, in order. */
  takeInside(cut: Coverage, apply: (d: PositionedDelta) => void): void {
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      if (cut.includes(this.partitions[i]!, this.offsets[i]!)) apply(this.at(i));
      else this.move(i, kept++);
    }
    this.n = kept;
  }

  /** The held deltas as objects, in arrival order (a snapshot). */
  toArray(): PositionedDelta[] {
    return Array.from({ length: this.n }, (_, i) => this.at(i));
  }

  private at(i: number): PositionedDelta {
    return {
      key: this.keys[i]!,
      name: this.names[i]!,
      hour: this.hours[i]!,
      minute: this.minutes[i]!,
      weight: this.weights[i]!,
      mtime: this.mtimes[i]!,
      partition: this.partitions[i]!,
      offset: this.offsets[i]!,
    };
  }

  private move(from: number, to: number): void {
    if (from === to) return;
    this.keys[to] = this.keys[from]!;
    this.names[to] = this.names[from]!;
    this.hours[to] = this.hours[from]!;
    this.minutes[to] = this.minutes[from]!;
    this.weights[to] = this.weights[from]!;
    this.mtimes[to] = this.mtimes[from]!;
    this.partitions[to] = this.partitions[from]!;
    this.offsets[to] = this.offsets[from]!;
  }
}

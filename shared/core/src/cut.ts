/**
 * Cuts of the input. The input is a set of partitions, each an ordered log of
 * records (Kafka partitions; a file is partition 0, counting lines). A cut names,
 * per partition, a prefix: every record before `next`. A partition a cut does not
 * name is not covered at all (next 0). Every served ranking is the model's ranking
 * over one cut, at the cut's clock: the largest valid mtime inside it.
 *
 * Coverage is how far a stage has received everything it is owed: it only grows.
 * A stage downstream of several senders is covered as far as all of them are (the
 * meet); the aggregator ranks at the meet over every counter shard. Pure.
 */

/** How far one partition is covered: every record before `next`, whose largest valid mtime is `clock`. */
export interface Mark {
  readonly partition: number;
  readonly next: number;
  readonly clock: number;
}

/** A cut or a coverage, as marks in partition order; no partition twice, no mark with `next` 0. */
export type Marks = readonly Mark[];

const byPartition = (a: Mark, b: Mark): number => a.partition - b.partition;

/** A coverage that grows: per partition, the mark with the largest `next` seen. */
export class Coverage {
  private readonly marks = new Map<number, Mark>();
  /** `marksList`, kept until the coverage advances (it is read far more often than it moves). */
  private list: Marks | undefined;

  constructor(initial: Marks = []) {
    for (const m of initial) this.advance(m);
  }

  /** Takes `m` if it covers more of its partition than what is known; returns whether it did. */
  advance(m: Mark): boolean {
    if (m.next <= 0) return false;
    const known = this.marks.get(m.partition);
    if (known !== undefined && known.next >= m.next) return false;
    this.marks.set(m.partition, { partition: m.partition, next: m.next, clock: m.clock });
    this.list = undefined;
    return true;
  }

  /** Advances by every mark of `ms`; returns whether any advanced. */
  advanceAll(ms: Marks): boolean {
    let moved = false;
    for (const m of ms) if (this.advance(m)) moved = true;
    return moved;
  }

  /** Where partition `p` is covered to (0: not at all). */
  nextOf(p: number): number {
    return this.marks.get(p)?.next ?? 0;
  }

  /** Whether the record at `offset` of `partition` is inside. */
  includes(partition: number, offset: number): boolean {
    return offset < this.nextOf(partition);
  }

  get marksList(): Marks {
    return (this.list ??= [...this.marks.values()].sort(byPartition));
  }
}

/** Whether `ms` is in strictly increasing partition order, the form every `Marks` is made in. */
function ordered(ms: Marks): boolean {
  for (let i = 1; i < ms.length; i++) if (ms[i - 1]!.partition >= ms[i]!.partition) return false;
  return true;
}

/**
 * The meet of several coverages: per partition, the least `next` (with its clock; a
 * partition's clock only grows with `next`). A partition that some coverage does not
 * name is not covered; with fewer than `expected` coverages, nothing is. Coverages in
 * partition order (as they are made) are walked side by side without a map; a counter shard
 * takes this meet for every rank request, and the aggregator for every coverage notice.
 */
export function meet(coverages: readonly Marks[], expected: number = coverages.length): Marks {
  if (coverages.length < expected || coverages.length === 0) return [];
  return coverages.every(ordered) ? meetOrdered(coverages) : meetAny(coverages);
}

function meetOrdered(coverages: readonly Marks[]): Marks {
  const first = coverages[0]!;
  const at = new Array<number>(coverages.length).fill(0);
  const out: Mark[] = [];
  marks: for (const m of first) {
    let least = m;
    for (let i = 1; i < coverages.length; i++) {
      const c = coverages[i]!;
      let j = at[i]!;
      while (j < c.length && c[j]!.partition < m.partition) j++;
      at[i] = j;
      const other = c[j];
      if (other === undefined || other.partition !== m.partition) continue marks;
      if (other.next < least.next) least = other;
    }
    out.push(least);
  }
  return out;
}

function meetAny(coverages: readonly Marks[]): Marks {
  const [first, ...rest] = coverages as [Marks, ...Marks[]];
  let acc = new Map(first.map((m) => [m.partition, m]));
  for (const c of rest) {
    const next = new Map<number, Mark>();
    for (const m of c) {
      const a = acc.get(m.partition);
      if (a !== undefined) next.set(m.partition, a.next <= m.next ? a : m);
    }
    acc = next;
  }
  return [...acc.values()].sort(byPartition);
}

/** The join of two cuts: per partition, the larger `next`. */
export function join(a: Marks, b: Marks): Marks {
  const c = new Coverage(a);
  c.advanceAll(b);
  return c.marksList;
}

/** Whether `a` covers `b`: every partition at least as far (in partition order, without a map). */
export function covers(a: Marks, b: Marks): boolean {
  if (!ordered(a) || !ordered(b)) {
    const c = new Coverage(a);
    return b.every((m) => c.nextOf(m.partition) >= m.next);
  }
  let i = 0;
  for (const m of b) {
    if (m.next <= 0) continue;
    while (i < a.length && a[i]!.partition < m.partition) i++;
    const mine = a[i];
    if (mine === undefined || mine.partition !== m.partition || mine.next < m.next) return false;
  }
  return true;
}

/** Whether two cuts are the same. */
export const sameCut = (a: Marks, b: Marks): boolean => covers(a, b) && covers(b, a);

/** The event clock of a cut: the largest valid mtime inside it (0 when it holds none). */
export function clockOf(cut: Marks): number {
  let c = 0;
  for (const m of cut) if (m.clock > c) c = m.clock;
  return c;
}

/** A cut's positions without their clocks (as a served ranking names them). */
export type Positions = readonly { readonly partition: number; readonly next: number }[];

/** How many records of the input (its end offsets per partition) lie beyond the cut. */
export function recordsBehind(cut: Positions, ends: ReadonlyMap<number, number>): number {
  const next = new Map(cut.map((m) => [m.partition, m.next]));
  let n = 0;
  for (const [p, end] of ends) n += Math.max(0, end - (next.get(p) ?? 0));
  return n;
}

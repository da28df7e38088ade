/**
 * The live versions of a dedup shard, compactly: an open-addressing hash table over
 * typed arrays (rsvp_id, mtime, weight, key set), about 44 bytes a version at the
 * table's load, instead of a Map entry and two objects (about 1.3 KB before). A
 * version's topic keys are one interned, reference-counted key set: versions of one
 * group share it. Deterministic, free of I/O.
 */
import type { LiveVersion } from "./versions.js";

const EMPTY = 0;
const GONE = -1;
const NO_KEYS = -1;
const MIN_CAPACITY = 1024;

/** A node of the trie of key lists: the id of the list that ends here (-1: none) and the lists that go on. */
interface KeyNode {
  id: number;
  next: Map<string, KeyNode> | undefined;
  readonly parent: KeyNode | undefined;
  readonly key: string;
}

/**
 * Interned key sets with reference counts: an id per distinct list of keys. A list is found by
 * walking a trie one key at a time (a Map lookup per key, on strings whose hashes V8 keeps), not
 * by building a joined string for every version.
 */
class KeySets {
  private readonly root: KeyNode = { id: -1, next: undefined, parent: undefined, key: "" };
  private readonly sets: (readonly string[] | undefined)[] = [];
  private readonly nodes: (KeyNode | undefined)[] = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];
  private count = 0;

  acquire(keys: readonly string[]): number {
    let node = this.root;
    for (const key of keys) {
      let child = node.next?.get(key);
      if (child === undefined) {
        child = { id: -1, next: undefined, parent: node, key };
        (node.next ??= new Map()).set(key, child);
      }
      node = child;
    }
    let id = node.id;
    if (id < 0) {
      id = this.free.pop() ?? this.sets.length;
      this.sets[id] = Object.freeze([...keys]);
      this.nodes[id] = node;
      this.refs[id] = 0;
      node.id = id;
      this.count++;
    }
    this.refs[id] = (this.refs[id] ?? 0) + 1;
    return id;
  }

  release(id: number): void {
    const n = (this.refs[id] ?? 0) - 1;
    this.refs[id] = n;
    if (n > 0) return;
    let node = this.nodes[id];
    this.sets[id] = undefined;
    this.nodes[id] = undefined;
    this.free.push(id);
    this.count--;
    if (node === undefined) return;
    node.id = -1;
    // Nodes that end no list and lead to none go.
    while (node.parent !== undefined && node.id < 0 && (node.next === undefined || node.next.size === 0)) {
      node.parent.next?.delete(node.key);
      node = node.parent;
    }
  }

  get(id: number): readonly string[] {
    return this.sets[id] ?? [];
  }

  get size(): number {
    return this.count;
  }
}

export class VersionTable {
  private ids: Float64Array;
  private mtimes: Float64Array;
  private weights: Uint16Array;
  private keySets: Int32Array;
  private used = 0;
  private gone = 0;
  private readonly sets = new KeySets();

  constructor(capacity = MIN_CAPACITY) {
    const c = Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(capacity)));
    this.ids = new Float64Array(c);
    this.mtimes = new Float64Array(c);
    this.weights = new Uint16Array(c);
    this.keySets = new Int32Array(c);
  }

  get size(): number {
    return this.used;
  }

  /** Distinct key sets held (versions of one group share one). */
  get keySetCount(): number {
    return this.sets.size;
  }

  /** The live version of `id`, or undefined. */
  get(id: number): LiveVersion | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.at(i);
  }

  /** Its mtime, or undefined: the common question, without building the version. */
  mtimeOf(id: number): number | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.mtimes[i];
  }

  set(id: number, v: LiveVersion): void {
    let i = this.find(id);
    if (i >= 0) {
      const old = this.keySets[i] as number;
      if (old !== NO_KEYS) this.sets.release(old);
    } else {
      if ((this.used + this.gone + 1) * 10 > this.ids.length * 7) this.resize(this.used + 1);
      i = this.slotFor(id);
      if (this.ids[i] === GONE) this.gone--;
      this.ids[i] = id;
      this.used++;
    }
    this.mtimes[i] = v.mtime;
    this.weights[i] = v.weight;
    this.keySets[i] = v.keys === null ? NO_KEYS : this.sets.acquire(v.keys);
  }

  delete(id: number): boolean {
    const i = this.find(id);
    if (i < 0) return false;
    this.remove(i);
    return true;
  }

  /** Deletes every version whose mtime is before `horizon`; returns how many. */
  deleteOlderThan(horizon: number): number {
    let n = 0;
    for (let i = 0; i < this.ids.length; i++) {
      if ((this.ids[i] as number) > 0 && (this.mtimes[i] as number) < horizon) {
        this.remove(i);
        n++;
      }
    }
    if (this.gone > this.used) this.resize(this.used);
    return n;
  }

  *entries(): IterableIterator<[number, LiveVersion]> {
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i] as number;
      if (id > 0) yield [id, this.at(i)];
    }
  }

  private at(i: number): LiveVersion {
    const k = this.keySets[i] as number;
    return { mtime: this.mtimes[i] as number, weight: this.weights[i] as number, keys: k === NO_KEYS ? null : this.sets.get(k) };
  }

  private remove(i: number): void {
    const k = this.keySets[i] as number;
    if (k !== NO_KEYS) this.sets.release(k);
    this.ids[i] = GONE;
    this.used--;
    this.gone++;
  }

  /** The slot of `id`, or -1. */
  private find(id: number): number {
    const mask = this.ids.length - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const x = this.ids[i] as number;
      if (x === id) return i;
      if (x === EMPTY) return -1;
    }
  }

  /** A free slot for `id` (not present): the first empty or gone one on its probe path. */
  private slotFor(id: number): number {
    const mask = this.ids.length - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const x = this.ids[i] as number;
      if (x === EMPTY || x === GONE) return i;
    }
  }

  private resize(need: number): void {
    const old = { ids: this.ids, mtimes: this.mtimes, weights: this.weights, keySets: this.keySets };
    const c = Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(need * 2 + 1)));
    this.ids = new Float64Array(c);
    this.mtimes = new Float64Array(c);
    this.weights = new Uint16Array(c);
    this.keySets = new Int32Array(c);
    this.gone = 0;
    for (let j = 0; j < old.ids.length; j++) {
      const id = old.ids[j] as number;
      if (id <= 0) continue;
      const i = this.slotFor(id);
      this.ids[i] = id;
      this.mtimes[i] = old.mtimes[j] as number;
      this.weights[i] = old.weights[j] as number;
      this.keySets[i] = old.keySets[j] as number;
    }
  }
}

/** A well-mixed 32-bit hash of an integer up to 2^53 (both halves). */
function hash(id: number): number {
  const lo = id >>> 0;
  const hi = Math.floor(id / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The live versions of a dedup shard, compactly: an open-addressing hash table over
 * one typed array (rsvp_id, mtime, weight and key set), about 44 bytes a version at the
 * table's load, instead of a Map entry and two objects (about 1.3 KB before). A
 * version's topic keys are one interned, reference-counted key set: versions of one
 * group share it. Deterministic, free of I/O.
 */
import type { Topic } from "./topics.js";
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
  /**
   * The step taken from here last time: the key or topic object it was taken by, and the child.
   * Records of one message share their topic objects, and the versions of one group their topic
   * list, so the same object is often the next step again: it is found without a lookup.
   */
  lastBy: string | Topic | undefined;
  lastChild: KeyNode | undefined;
}

const keyNode = (parent: KeyNode | undefined, key: string): KeyNode => ({
  id: -1,
  next: undefined,
  parent,
  key,
  lastBy: undefined,
  lastChild: undefined,
});

/**
 * Interned key sets with reference counts: an id per distinct list of keys. A list is found by
 * walking a trie one key at a time (a Map lookup per key, on strings whose hashes V8 keeps), not
 * by building a joined string for every version.
 */
export class KeySets {
  private readonly root: KeyNode = keyNode(undefined, "");
  private readonly sets: (readonly string[] | undefined)[] = [];
  private readonly nodes: (KeyNode | undefined)[] = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];
  private count = 0;

  /** The id of the key list (the keys themselves, or topics whose keys are read). */
  acquire(keys: readonly string[] | readonly Topic[]): number {
    let at = this.root;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let child = at.lastBy === k ? at.lastChild : undefined;
      if (child === undefined) {
        const key = typeof k === "string" ? k : k.key;
        child = at.next?.get(key);
        if (child === undefined) (at.next ??= new Map()).set(key, (child = keyNode(at, key)));
        at.lastBy = k;
        at.lastChild = child;
      }
      at = child;
    }
    let id = at.id;
    if (id < 0) {
      id = this.free.pop() ?? this.sets.length;
      this.sets[id] = Object.freeze(keys.map((k) => (typeof k === "string" ? k : k.key)));
      this.nodes[id] = at;
      this.refs[id] = 0;
      at.id = id;
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
      const parent: KeyNode = node.parent;
      parent.next?.delete(node.key);
      if (parent.lastChild === node) parent.lastBy = parent.lastChild = undefined;
      node = parent;
    }
  }

  get(id: number): readonly string[] {
    return this.sets[id] ?? [];
  }

  get size(): number {
    return this.count;
  }
}

/** Per slot: rsvp_id, mtime, and weight and key set packed in one number (`meta`). */
const STRIDE = 3;
const META_WEIGHT = 2 ** 32;

/**
 * The slots are one array, a slot's three numbers side by side: a lookup, a read and a write of
 * one version touch one or two cache lines, not one in each of four arrays. Callers that ask
 * and then write (`VersionTracker.apply`) look a version up once (`slotOf`) and use the slot.
 */
/** The key sets of every VersionTable made without its own. */
const PROCESS_KEY_SETS = new KeySets();

export class VersionTable {
  private slots: Float64Array;
  private used = 0;
  private gone = 0;
  /**
   * `sets`: where key sets are interned; by default one pool for the whole process (each
   * thread), so that every shard's versions of one group share one set, and the trie the
   * lookups walk stays small enough to be found in the cache (one per shard was 16 tries).
   */
  constructor(
    capacity = MIN_CAPACITY,
    private readonly sets = PROCESS_KEY_SETS,
  ) {
    this.slots = new Float64Array(STRIDE * Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(capacity))));
  }

  get size(): number {
    return this.used;
  }

  /** Distinct key sets held in this table's pool (versions of one group share one). */
  get keySetCount(): number {
    return this.sets.size;
  }

  /** The live version of `id`, or undefined. */
  get(id: number): LiveVersion | undefined {
    const i = this.slotOf(id);
    return i < 0 ? undefined : this.versionAt(i);
  }

  set(id: number, v: LiveVersion): void {
    this.put(id, this.slotOf(id), v.mtime, v.weight, v.keys);
  }

  delete(id: number): boolean {
    const i = this.slotOf(id);
    if (i < 0) return false;
    this.deleteAt(i);
    return true;
  }

  /** The slot of `id` (for the `...At` methods and `put`, until the next change), or -1. */
  slotOf(id: number): number {
    const s = this.slots;
    const mask = s.length / STRIDE - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const x = s[i * STRIDE] as number;
      if (x === id) return i;
      if (x === EMPTY) return -1;
    }
  }

  mtimeAt(slot: number): number {
    return this.slots[slot * STRIDE + 1] as number;
  }

  weightAt(slot: number): number {
    return Math.floor((this.slots[slot * STRIDE + 2] as number) / META_WEIGHT);
  }

  /** The version's topic keys, or null when it contributes nothing. */
  keysAt(slot: number): readonly string[] | null {
    const k = this.keySetAt(slot);
    return k === NO_KEYS ? null : this.sets.get(k);
  }

  versionAt(slot: number): LiveVersion {
    return { mtime: this.mtimeAt(slot), weight: this.weightAt(slot), keys: this.keysAt(slot) };
  }

  /**
   * Makes `id`'s live version this one. `slot` is `slotOf(id)`, taken since the last change: the
   * version it holds is replaced, or with -1 a new one is added. `keys` may be the topics
   * themselves (their keys are read; no list is built unless the key set is new).
   */
  put(id: number, slot: number, mtime: number, weight: number, keys: readonly string[] | readonly Topic[] | null): void {
    // The new key set is taken before the old one is let go: a version of the same group keeps its set
    // (and its trie path) instead of freeing and rebuilding it.
    const keySet = keys === null ? NO_KEYS : this.sets.acquire(keys);
    let i = slot;
    if (i >= 0) {
      const old = this.keySetAt(i);
      if (old !== NO_KEYS) this.sets.release(old);
    } else {
      if ((this.used + this.gone + 1) * 10 > (this.slots.length / STRIDE) * 7) this.resize(this.used + 1);
      i = this.slotFor(id);
      if (this.slots[i * STRIDE] === GONE) this.gone--;
      this.slots[i * STRIDE] = id;
      this.used++;
    }
    this.slots[i * STRIDE + 1] = mtime;
    this.slots[i * STRIDE + 2] = weight * META_WEIGHT + (keySet + 1);
  }

  deleteAt(slot: number): void {
    const k = this.keySetAt(slot);
    if (k !== NO_KEYS) this.sets.release(k);
    this.slots[slot * STRIDE] = GONE;
    this.used--;
    this.gone++;
  }

  /**
   * Deletes every version and lets go of its key sets: a table that is dropped while it still
   * holds versions (its shard stopped) must, or their sets stay in the process's pool for good.
   */
  clear(): void {
    const s = this.slots;
    for (let i = 0; i * STRIDE < s.length; i++) if ((s[i * STRIDE] as number) > 0) this.deleteAt(i);
    this.resize(0);
  }

  /** Deletes every version whose mtime is before `horizon`; returns how many. */
  deleteOlderThan(horizon: number): number {
    let n = 0;
    const s = this.slots;
    for (let i = 0; i * STRIDE < s.length; i++) {
      if ((s[i * STRIDE] as number) > 0 && (s[i * STRIDE + 1] as number) < horizon) {
        this.deleteAt(i);
        n++;
      }
    }
    if (this.gone > this.used) this.resize(this.used);
    return n;
  }

  *entries(): IterableIterator<[number, LiveVersion]> {
    for (let i = 0; i * STRIDE < this.slots.length; i++) {
      const id = this.slots[i * STRIDE] as number;
      if (id > 0) yield [id, this.versionAt(i)];
    }
  }

  private keySetAt(slot: number): number {
    return ((this.slots[slot * STRIDE + 2] as number) % META_WEIGHT) - 1;
  }

  /** A free slot for `id` (not present): the first empty or gone one on its probe path. */
  private slotFor(id: number): number {
    const s = this.slots;
    const mask = s.length / STRIDE - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const x = s[i * STRIDE] as number;
      if (x === EMPTY || x === GONE) return i;
    }
  }

  private resize(need: number): void {
    const old = this.slots;
    this.slots = new Float64Array(STRIDE * Math.max(MIN_CAPACITY, 2 ** Math.ceil(Math.log2(need * 2 + 1))));
    this.gone = 0;
    for (let j = 0; j < old.length; j += STRIDE) {
      const id = old[j] as number;
      if (id <= 0) continue;
      const i = this.slotFor(id) * STRIDE;
      this.slots[i] = id;
      this.slots[i + 1] = old[j + 1] as number;
      this.slots[i + 2] = old[j + 2] as number;
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

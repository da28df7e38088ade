/** The strings of one message or batch, each once: records and deltas refer to them by index. */
import type { Topic } from "@meetuphype/core";

export class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  /** Per topic key: its index, and the name it last came with (one lookup per topic, not two). */
  private readonly byKey = new Map<string, { readonly keyRef: number; name: string; nameRef: number }>();

  /** The index of `s`, added if new. */
  ref(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** Appends the indices of the topic's key and name to `keys` and `names`. */
  addTopic(t: Topic, keys: number[], names: number[]): void {
    let k = this.byKey.get(t.key);
    if (k === undefined) {
      const keyRef = this.ref(t.key);
      k = { keyRef, name: t.name, nameRef: t.name === t.key ? keyRef : this.ref(t.name) };
      this.byKey.set(t.key, k);
    } else if (k.name !== t.name) {
      // The same key with another name (records disagree): the newest pairing is remembered.
      k.name = t.name;
      k.nameRef = t.name === t.key ? k.keyRef : this.ref(t.name);
    }
    keys.push(k.keyRef);
    names.push(k.nameRef);
  }
}

/**
 * A reader's side: one topic object per key and name for a whole message, so that records of a
 * group share theirs instead of each allocating its own. Undefined when an index is out of range.
 */
export class SharedTopics {
  private readonly byKey: (Topic | undefined)[];

  constructor(private readonly strings: readonly string[]) {
    this.byKey = new Array<Topic | undefined>(strings.length);
  }

  get(keyRef: number, nameRef: number): Topic | undefined {
    const key = this.strings[keyRef];
    const name = this.strings[nameRef];
    if (key === undefined || name === undefined) return undefined;
    const known = this.byKey[keyRef];
    if (known !== undefined && known.name === name) return known;
    const t = { key, name };
    if (known === undefined) this.byKey[keyRef] = t;
    return t;
  }
}

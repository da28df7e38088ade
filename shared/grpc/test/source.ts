/** A snapshot source the tests set by hand: what the pipeline's SnapshotHub is to the server. */
import type { ServedSnapshot, SnapshotSource } from "../src/index.js";

export class TestSource implements SnapshotSource {
  private readonly ls = new Set<(s: ServedSnapshot) => void>();

  constructor(public snapshot: ServedSnapshot) {}

  subscribe(l: (s: ServedSnapshot) => void): () => void {
    this.ls.add(l);
    return () => void this.ls.delete(l);
  }

  set(s: ServedSnapshot): void {
    this.snapshot = s;
    for (const l of this.ls) l(s);
  }

  /** Listeners subscribed now (one per open WatchTrending stream). */
  get listeners(): number {
    return this.ls.size;
  }
}

/** Shard snapshots in the NATS object store: what a shard's next owner resumes from. */
import type { ObjectStore } from "nats";

/** Where shard snapshots are kept, by name. */
export interface SnapshotStorage {
  /** The snapshot, if there is one; rejects once `signal` aborts (the read stops). */
  load(name: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  save(name: string, bytes: Uint8Array): Promise<void>;
}

export class SnapshotStore implements SnapshotStorage {
  constructor(private readonly os: ObjectStore) {}

  async load(name: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    signal?.throwIfAborted();
    const r = await this.os.get(name);
    if (r === null) return undefined;
    // Handled here too: a read stopped half-way may fail in the client after this returns.
    r.error.catch(() => undefined);
    const chunks: Uint8Array[] = [];
    const reader = r.data.getReader();
    // Cancelling the reader ends the client's subscription to the snapshot's chunks.
    const stop = (): void => void reader.cancel().catch(() => undefined);
    if (signal?.aborted === true) stop();
    else signal?.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        signal?.throwIfAborted(); // a cancelled read ends as if done: never take that for the whole snapshot
        if (done) break;
        chunks.push(value);
      }
      await r.error;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    return Buffer.concat(chunks);
  }

  async save(name: string, bytes: Uint8Array): Promise<void> {
    await this.os.putBlob({ name }, bytes);
  }
}

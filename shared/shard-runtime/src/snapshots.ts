/** Shard snapshots in the NATS object store: what a shard's next owner resumes from. */
import { setImmediate } from "node:timers/promises";
import type { ObjectStore } from "nats";
import { useNativeObjectDigests } from "./object-digest.js";

/** The object store's chunk size (128 KiB): a save hands it the snapshot a chunk at a time. */
export const SAVE_CHUNK_BYTES = 128 * 1024;

/**
 * `bytes` as a stream of chunks of `size` at most, each read after a turn of the event loop. The
 * client hashes and publishes what it is given in one go: a snapshot of megabytes given whole
 * held the event loop for tens of milliseconds, and every ranking waited behind it.
 */
export function chunkedStream(bytes: Uint8Array, size = SAVE_CHUNK_BYTES): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await setImmediate();
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
}

/** Where shard snapshots are kept, by name. */
export interface SnapshotStorage {
  /** The snapshot, if there is one; rejects once `signal` aborts (the read stops). */
  load(name: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  save(name: string, bytes: Uint8Array): Promise<void>;
}

export class SnapshotStore implements SnapshotStorage {
  constructor(private readonly os: ObjectStore) {
    useNativeObjectDigests();
  }

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
    await this.os.put({ name }, chunkedStream(bytes));
  }
}

/** Shard snapshots in the NATS object store: what a shard's next owner resumes from. */
import type { ObjectStore } from "nats";

/** Where shard snapshots are kept, by name. */
export interface SnapshotStorage {
  load(name: string): Promise<Uint8Array | undefined>;
  save(name: string, bytes: Uint8Array): Promise<void>;
}

export class SnapshotStore implements SnapshotStorage {
  constructor(private readonly os: ObjectStore) {}

  async load(name: string): Promise<Uint8Array | undefined> {
    const r = await this.os.get(name);
    if (r === null) return undefined;
    const chunks: Uint8Array[] = [];
    const reader = r.data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
    await r.error;
    return Buffer.concat(chunks);
  }

  async save(name: string, bytes: Uint8Array): Promise<void> {
    await this.os.putBlob({ name }, bytes);
  }
}

/**
 * Runs tasks one at a time per key, in the order they were asked for; tasks of different keys
 * overlap. Ownership uses it so that a shard's claim, renewals and release never interleave.
 */
export class SerialByKey<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key` has settled; settles as `task` does. */
  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running. */
  get busy(): number {
    return this.tails.size;
  }
}

/** Following a KV bucket for ever: every entry as it changes; a watch that ends (the server went away) is started again. */
import { setTimeout as sleep } from "node:timers/promises";
import type { KV } from "nats";
import type { Logger } from "@meetuphype/actors";
import { describe } from "./retry.js";

/**
 * Calls `onEntry` with each put (its value) and delete (undefined) until `signal` aborts;
 * `onInitialized` once the bucket's entries as they stood at the start were all delivered.
 */
export async function followBucket(
  kv: KV,
  signal: AbortSignal,
  logger: Logger,
  onEntry: (key: string, value: Uint8Array | undefined) => void,
  onInitialized: () => void = () => undefined,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const watch = await kv.watch({ initializedFn: onInitialized });
      const stop = (): void => watch.stop();
      signal.addEventListener("abort", stop, { once: true });
      for await (const e of watch) onEntry(e.key, e.operation === "PUT" ? e.value : undefined);
      signal.removeEventListener("abort", stop);
    } catch (err) {
      if (!signal.aborted) logger.warn("watching a bucket failed; watching again", { err: describe(err) });
    }
    await sleep(500, undefined, { signal }).catch(() => undefined);
  }
}

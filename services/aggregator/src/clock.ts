/** The global event clock: the largest value any ingest replica has published in the clock bucket. */
import { setTimeout as sleep } from "node:timers/promises";
import type { KV } from "nats";
import type { Logger } from "@meetuphype/actors";
import { describe } from "@meetuphype/cluster";

export class GlobalClock {
  private max = 0;

  get now(): number {
    return this.max;
  }

  /** Follows the bucket until `signal` aborts; a watch that ends (the server went away) is started again. */
  async follow(kv: KV, signal: AbortSignal, logger: Logger): Promise<void> {
    while (!signal.aborted) {
      try {
        const watch = await kv.watch();
        const stop = (): void => watch.stop();
        signal.addEventListener("abort", stop, { once: true });
        for await (const e of watch) {
          if (e.operation !== "PUT") continue;
          const v = Number(new TextDecoder().decode(e.value));
          if (Number.isSafeInteger(v) && v > this.max) this.max = v;
        }
        signal.removeEventListener("abort", stop);
      } catch (err) {
        if (!signal.aborted) logger.warn("watching the clock bucket failed; watching again", { err: describe(err) });
      }
      await sleep(500, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** The global event clock: the largest value any ingest replica has published in the clock bucket. */
import type { KV } from "nats";

export class GlobalClock {
  private max = 0;

  get now(): number {
    return this.max;
  }

  /** Follows the bucket until `signal` aborts. */
  async follow(kv: KV, signal: AbortSignal): Promise<void> {
    const watch = await kv.watch();
    signal.addEventListener("abort", () => watch.stop(), { once: true });
    for await (const e of watch) {
      if (e.operation !== "PUT") continue;
      const v = Number(new TextDecoder().decode(e.value));
      if (Number.isSafeInteger(v) && v > this.max) this.max = v;
    }
  }
}

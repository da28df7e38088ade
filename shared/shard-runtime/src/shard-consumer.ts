/** Feeding one shard from JetStream, in order, whatever happens to the subscription. */
import { consumerOpts, type JetStreamClient, type JetStreamSubscription } from "nats";
import type { Logger } from "@meetuphype/log";
import { backoffDelay, type Backoff } from "@meetuphype/core";
import { describe } from "@meetuphype/control-plane";

/** The pause before subscribing again: short at first (the shard waits), longer while the server stays away. */
const RESUBSCRIBE: Backoff = { firstDelayMs: 250, maxDelayMs: 5000 };

/**
 * The ordered push consumer of one shard (NATS 2.9 has no multi-filter pull
 * consumers; this API works from 2.2 on). If its subscription ends while the
 * shard runs (the server went away for longer than the client's own recovery),
 * it subscribes again after the last message it queued.
 */
export class ShardConsumer {
  private sub: JetStreamSubscription | undefined;
  private lastQueued: number;
  readonly done: Promise<void>;

  constructor(
    private readonly js: JetStreamClient,
    private readonly subject: string,
    after: number,
    private readonly deliver: (seq: number, data: Uint8Array, pending: number) => Promise<void>,
    private readonly signal: AbortSignal,
    private readonly logger: Logger,
  ) {
    this.lastQueued = after;
    this.done = this.run();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        const opts = consumerOpts();
        opts.orderedConsumer();
        if (this.lastQueued > 0) opts.startSequence(this.lastQueued + 1);
        else opts.deliverAll();
        this.sub = await this.js.subscribe(this.subject, opts);
        if (this.signal.aborted) break;
        for await (const m of this.sub) {
          // Messages still buffered when the shard stops are left to the next owner,
          // which resumes after the last handled sequence: stopping stays prompt.
          if (this.signal.aborted) break;
          await this.deliver(m.seq, m.data, m.info.pending);
          this.lastQueued = m.seq;
          failures = 0;
        }
        if (!this.signal.aborted) this.logger.warn("shard subscription ended; subscribing again", { subject: this.subject });
      } catch (err) {
        if (this.signal.aborted) break;
        this.logger.warn("shard subscription failed; subscribing again", { subject: this.subject, err: describe(err) });
      }
      this.sub?.unsubscribe();
      const pause = backoffDelay(RESUBSCRIBE, ++failures, Math.random()) ?? RESUBSCRIBE.maxDelayMs;
      if (!this.signal.aborted) await new Promise((r) => setTimeout(r, pause));
    }
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}

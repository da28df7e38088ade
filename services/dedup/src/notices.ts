/**
 * Coverage notices: every NOTICE_MS, each running dedup shard whose settled
 * coverage moved announces it to all counter shards in one core-NATS message
 * (and every REPEAT_MS even unchanged, since core NATS may drop one and a counter
 * shard that just moved needs it). Without them a counter shard that got no
 * deltas from a dedup shard lately would not know how far it is covered, and
 * the cut would wait; sending every counter shard a message instead would cost
 * 32 publishes per input message.
 */
import type { NatsConnection } from "nats";
import { sameCut } from "@meetuphype/core";
import { encodeCoverageNotice } from "@meetuphype/control-plane";
import type { DedupShardState } from "@meetuphype/stage-shards";

export const NOTICE_MS = 20;
const REPEAT_MS = 500;

export class CoverageNotices {
  private readonly shards = new Map<number, { state: DedupShardState; sentAt: number; last?: ReturnType<DedupShardState["settled"]> }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.tick(), NOTICE_MS);
  }

  /** A shard started running (it replaces the one before it, if any). */
  add(shard: number, state: DedupShardState): void {
    this.shards.set(shard, { state, sentAt: 0 });
  }

  private tick(): void {
    const t = this.now();
    for (const [shard, s] of this.shards) {
      if (!s.state.valid()) {
        this.shards.delete(shard);
        continue;
      }
      const cur = s.state.settled();
      const moved = s.last === undefined || cur.sent !== s.last.sent || !sameCut(cur.coverage, s.last.coverage);
      if (!moved && t - s.sentAt < REPEAT_MS) continue;
      s.last = cur;
      s.sentAt = t;
      this.nc.publish(this.subject, encodeCoverageNotice({ shard, epoch: s.state.epoch, coverage: cur.coverage, sent: cur.sent }));
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

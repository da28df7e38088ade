/**
 * Coverage notices: when a running dedup shard's settled coverage moves (its last group's
 * outputs were all acknowledged), it announces it to all counter shards on core NATS at the end
 * of that turn of the event loop; the notices of the replica's shards that settled in one turn
 * go in one message (a bundle). Every REPEAT_MS a shard announces it even unchanged, since core
 * NATS may drop one and a counter shard that just moved needs it. Without them a counter shard
 * that got no deltas from a dedup shard lately would not know how far it is covered, and the cut
 * would wait; sending every counter shard a message instead would cost 32 publishes per input
 * message.
 */
import { sameCut } from "@meetuphype/core";
import { encodeCoverageNotices, type CoverageNotice } from "@meetuphype/control-plane";
import type { DedupShardState } from "@meetuphype/stage-shards";

/** How often a shard's notice is repeated unchanged, and how often the repeats are looked for. */
export const REPEAT_MS = 500;
const REPEAT_CHECK_MS = 100;

interface Announced {
  readonly state: DedupShardState;
  sentAt: number;
  last?: ReturnType<DedupShardState["settled"]>;
}

export class CoverageNotices {
  private readonly shards = new Map<number, Announced>();
  private readonly timer: NodeJS.Timeout;
  /** A send at the end of this turn is already asked for. */
  private due = false;

  constructor(
    private readonly publish: (notice: Uint8Array) => void,
    private readonly now: () => number = Date.now,
    private readonly schedule: (send: () => void) => void = (send) => setImmediate(send),
  ) {
    this.timer = setInterval(() => this.send(), REPEAT_CHECK_MS);
  }

  /** A shard started running (it replaces the one before it, if any). */
  add(shard: number, state: DedupShardState): void {
    this.shards.set(shard, { state, sentAt: 0 });
  }

  /** A shard's settled coverage may have moved: its notice goes at the end of this turn. */
  settled(): void {
    if (this.due) return;
    this.due = true;
    this.schedule(() => {
      this.due = false;
      this.send();
    });
  }

  /** Announces every shard whose settled coverage moved, or whose last notice is REPEAT_MS old, in one message. */
  private send(): void {
    const t = this.now();
    const out: CoverageNotice[] = [];
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
      out.push({ shard, epoch: s.state.epoch, coverage: cur.coverage, sent: cur.sent });
    }
    if (out.length > 0) this.publish(encodeCoverageNotices(out));
  }

  close(): void {
    clearInterval(this.timer);
  }
}

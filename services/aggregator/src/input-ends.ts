/**
 * How far the input goes: the input topic's end offsets, read every second from
 * Kafka's admin API. A ranking's flags come from its cut against them: the records
 * beyond the cut, and whether the cut is behind what the topic held CATCH_UP_MS
 * before (then records are waiting, not merely in flight: catching up). It connects
 * when it first can, and again after a read failed (so that it learns where leaders
 * moved): rankings do not wait for Kafka. While the offsets cannot be read, the flags
 * come from the last ends it read, until those are ENDS_UNKNOWN_MS old: from then on a
 * ranking is catching up, since records may have come that no read saw. Once reads come
 * back, the records the first read finds count as waiting since the gap began.
 */
import type { Admin } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import { recordsBehind, type Positions } from "@meetuphype/core";
import { describe } from "@meetuphype/control-plane";

/** A cut behind the input's end as it was this long ago is catching up. */
export const CATCH_UP_MS = 2000;
const READ_EVERY_MS = 1000;
/**
 * With no end offsets read for this long (a partition's leader or the KRaft controller away),
 * the aggregator no longer knows whether records wait, and a ranking that may be behind says so.
 */
export const ENDS_UNKNOWN_MS = CATCH_UP_MS + 2 * READ_EVERY_MS;
/** Reads further apart than this had a failed read between them: what came in between came at an unknown time. */
export const READ_GAP_MS = 2.5 * READ_EVERY_MS;

/** End offsets read at one time. */
export interface EndsAt {
  readonly at: number;
  readonly ends: ReadonlyMap<number, number>;
}

/**
 * The flags of a ranking with cut `cut`, from end offsets read over time (oldest first), at
 * `now`; reading began at `since`. Pure.
 */
export function flagsOf(
  cut: Positions,
  reads: readonly EndsAt[],
  now: number,
  since: number,
): { catchingUp: boolean; recordsBehind: number } {
  const latest = reads[reads.length - 1];
  const unknown = now - (latest?.at ?? since) > ENDS_UNKNOWN_MS;
  if (latest === undefined) return { catchingUp: unknown, recordsBehind: 0 };
  if (unknown) return { catchingUp: true, recordsBehind: recordsBehind(cut, latest.ends) };
  // The ends the cut must have passed: those read CATCH_UP_MS ago or earlier. But when the next read
  // came only after a gap (reads failed: a broker or the controller away), the records it found
  // beyond them may have come at any time in the gap, long ago: the cut must have passed those too.
  let old: EndsAt | undefined;
  let after: EndsAt | undefined;
  for (const [i, r] of reads.entries())
    if (now - r.at >= CATCH_UP_MS) {
      old = r;
      after = reads[i + 1];
    }
  const judged = old !== undefined && after !== undefined && after.at - old.at > READ_GAP_MS ? after : old;
  return { catchingUp: judged !== undefined && recordsBehind(cut, judged.ends) > 0, recordsBehind: recordsBehind(cut, latest.ends) };
}

/**
 * The reads worth keeping at `at`, oldest first: those of the last 2·CATCH_UP_MS + READ_EVERY_MS,
 * and always the newest one at least CATCH_UP_MS old. After reads failed for a while (a broker
 * away), that one still tells which records have waited: without it, a cut far behind would not
 * be flagged until CATCH_UP_MS after the reads came back. Pure.
 */
export function keptReads(reads: readonly EndsAt[], at: number): EndsAt[] {
  let old: EndsAt | undefined;
  for (const r of reads) if (at - r.at >= CATCH_UP_MS) old = r;
  return reads.filter((r) => r === old || at - r.at <= 2 * CATCH_UP_MS + READ_EVERY_MS);
}

export class InputEnds {
  private reads: EndsAt[] = [];
  private readonly timer: NodeJS.Timeout;
  private failing = false;
  private connected = false;
  private reading = false;
  private readonly since: number;

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS);
    void this.read();
  }

  /** The flags of a ranking with cut `cut`. */
  flags(cut: Positions): { catchingUp: boolean; recordsBehind: number } {
    return flagsOf(cut, this.reads, this.now(), this.since);
  }

  private async read(): Promise<void> {
    if (this.reading) return; // one read at a time: a slow one is not queued behind
    this.reading = true;
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      const at = this.now();
      this.reads.push({ at, ends: new Map(offsets.map((o) => [o.partition, Number(o.high)])) });
      this.reads = keptReads(this.reads, at);
      if (this.failing) this.logger.info("reading the input's end offsets again", { topic: this.topic });
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.logger.warn("cannot read the input's end offsets; retrying each second", { topic: this.topic, err: describe(err) });
      this.failing = true;
      // kafkajs reads the partitions' leaders again only when it connects (or after 5 minutes):
      // after a leader moved, every read would ask the old one. So the next read connects anew.
      if (this.connected) {
        this.connected = false;
        await this.admin.disconnect().catch(() => undefined);
      }
    } finally {
      this.reading = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.admin.disconnect().catch(() => undefined);
  }
}

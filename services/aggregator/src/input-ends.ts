/**
 * How far the input goes: the input topic's end offsets, read every second from
 * Kafka's admin API. A ranking's flags come from its cut against them: the records
 * beyond the cut, and whether the cut is behind what the topic held CATCH_UP_MS
 * before (then records are waiting, not merely in flight: catching up). It connects
 * when it first can: rankings do not wait for Kafka, and while the offsets cannot be
 * read they are not marked catching up.
 */
import type { Admin } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import { recordsBehind, type Positions } from "@meetuphype/core";
import { describe } from "@meetuphype/control-plane";

/** A cut behind the input's end as it was this long ago is catching up. */
export const CATCH_UP_MS = 2000;
const READ_EVERY_MS = 1000;

/** End offsets read at one time. */
export interface EndsAt {
  readonly at: number;
  readonly ends: ReadonlyMap<number, number>;
}

/** The flags of a ranking with cut `cut`, from end offsets read over time (oldest first). Pure. */
export function flagsOf(cut: Positions, reads: readonly EndsAt[], now: number): { catchingUp: boolean; recordsBehind: number } {
  const latest = reads[reads.length - 1];
  if (latest === undefined) return { catchingUp: false, recordsBehind: 0 };
  let old: EndsAt | undefined;
  for (const r of reads) if (now - r.at >= CATCH_UP_MS) old = r;
  return { catchingUp: old !== undefined && recordsBehind(cut, old.ends) > 0, recordsBehind: recordsBehind(cut, latest.ends) };
}

export class InputEnds {
  private reads: EndsAt[] = [];
  private readonly timer: NodeJS.Timeout;
  private failing = false;
  private connected = false;

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS);
    void this.read();
  }

  /** The flags of a ranking with cut `cut`. */
  flags(cut: Positions): { catchingUp: boolean; recordsBehind: number } {
    return flagsOf(cut, this.reads, this.now());
  }

  private async read(): Promise<void> {
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      const at = this.now();
      this.reads.push({ at, ends: new Map(offsets.map((o) => [o.partition, Number(o.high)])) });
      this.reads = this.reads.filter((r) => at - r.at <= 2 * CATCH_UP_MS + READ_EVERY_MS);
      if (this.failing) this.logger.info("reading the input's end offsets again", { topic: this.topic });
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.logger.warn("cannot read the input's end offsets; retrying each second", { topic: this.topic, err: describe(err) });
      this.failing = true;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.admin.disconnect().catch(() => undefined);
  }
}

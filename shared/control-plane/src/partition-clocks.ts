/**
 * Each input partition's event clock where ingest has forwarded it to: the largest
 * valid mtime of the partition's records before `next`. Kept in the clock bucket
 * (`partition.<p>` = `{"next":N,"clock":C}`) once a batch's records are all
 * acknowledged and before its offsets are committed, and only ever moved forward,
 * so a replica that takes a partition over (from the committed offset, which is
 * never past the stored `next`) continues the partition's clock exactly.
 */
import type { KV } from "nats";
import type { Logger } from "@meetuphype/log";
import type { Mark } from "@meetuphype/core";
import { decodePartitionClock, encodePartitionClock, partitionClockKey } from "./control-plane.js";

export class PartitionClocks {
  private readonly known = new Map<number, Mark>();
  /** The revision this replica last wrote per partition: the next write tries it first (one round trip). */
  private readonly revisions = new Map<number, number>();

  constructor(
    private readonly kv: KV,
    private readonly logger: Logger,
  ) {}

  /** The partition's clock before `offset` (the first offset of a batch). */
  async before(partition: number, offset: number): Promise<number> {
    const mine = this.known.get(partition);
    if (mine !== undefined && mine.next === offset) return mine.clock;
    const stored = decodePartitionClock(partition, (await this.kv.get(partitionClockKey(partition)))?.value);
    if (stored === undefined) {
      if (offset > 0) this.logger.warn("no stored clock for the partition; its clock starts here", { partition, offset });
      return 0;
    }
    if (stored.next < offset)
      this.logger.warn("the partition's stored clock ends before this batch; records between were never forwarded", {
        partition,
        stored: stored.next,
        offset,
      });
    return stored.clock;
  }

  /** Stores the partition's clock at `m.next`, unless a later one is stored already. */
  async advance(m: Mark): Promise<void> {
    this.known.set(m.partition, m);
    const key = partitionClockKey(m.partition);
    const value = encodePartitionClock(m);
    const mine = this.revisions.get(m.partition);
    if (mine !== undefined) {
      try {
        this.revisions.set(m.partition, await this.kv.update(key, value, mine));
        return;
      } catch {
        // Someone else wrote since (the partition moved and came back): read, then decide.
        this.revisions.delete(m.partition);
      }
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const e = await this.kv.get(key);
      const stored = decodePartitionClock(m.partition, e?.value);
      if (stored !== undefined && stored.next >= m.next) return;
      try {
        const rev = e === null || e.operation !== "PUT" ? await this.kv.create(key, value) : await this.kv.update(key, value, e.revision);
        this.revisions.set(m.partition, rev);
        return;
      } catch (err) {
        // Another replica wrote meanwhile (a partition that just moved): read again.
        if (attempt === 4) throw err;
      }
    }
  }
}

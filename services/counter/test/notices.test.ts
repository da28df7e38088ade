/** A run of coverage notices: one per dedup shard, the last of an epoch, never an older owner's over a newer's. */
import { describe, expect, it } from "vitest";
import type { CoverageNotice } from "@meetuphype/control-plane";
import { NoticeRun } from "../src/notices.js";

const notice = (shard: number, epoch: number, next: number): CoverageNotice => ({
  shard,
  epoch,
  coverage: [{ partition: 0, next, clock: next }],
  sent: [next],
});

describe("a run of coverage notices", () => {
  it("says which notice starts a run, and hands on the last of each dedup shard's, in the order the shards came", () => {
    const run = new NoticeRun();
    expect(run.add(notice(3, 1, 10))).toBe(true);
    expect(run.add(notice(5, 1, 7))).toBe(false);
    expect(run.add(notice(3, 1, 12))).toBe(false);
    expect(run.take()).toEqual([notice(3, 1, 12), notice(5, 1, 7)]);
    // The next notice starts a new run.
    expect(run.add(notice(5, 1, 9))).toBe(true);
    expect(run.take()).toEqual([notice(5, 1, 9)]);
    expect(run.take()).toEqual([]);
  });

  it("keeps a new owner's notice over a late one of the owner before it", () => {
    const run = new NoticeRun();
    run.add(notice(2, 4, 30));
    run.add(notice(2, 3, 40));
    expect(run.take()).toEqual([notice(2, 4, 30)]);
    run.add(notice(2, 3, 40));
    run.add(notice(2, 4, 31));
    expect(run.take()).toEqual([notice(2, 4, 31)]);
  });
});

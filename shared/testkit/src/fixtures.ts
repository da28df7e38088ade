/** Small values unit tests build their inputs from. */
import type { PositionedDelta } from "@meetuphype/core";

/** A delta of `weight` for topic `key` from a record of `mtime` at `offset` of partition 0, in that record's hour and minute buckets. */
export const deltaAt = (mtime: number, offset: number, key = "js", weight = 1): PositionedDelta => ({
  key,
  name: key,
  hour: Math.floor(mtime / 3_600_000),
  minute: Math.floor(mtime / 60_000),
  weight,
  mtime,
  partition: 0,
  offset,
});

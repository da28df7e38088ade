import { describe, expect, it } from "vitest";
import { InputSteps } from "../src/input-steps.js";

const mark = (partition: number, next: number) => ({ partition, next, clock: next });
const notice = (shard: number, epoch: number, ...marks: ReturnType<typeof mark>[]) => ({ shard, epoch, coverage: marks, sent: [] });

describe("the input's steps from the dedup shards' notices", () => {
  it("are beyond a cut only once every dedup shard has handled input past it", () => {
    const steps = new InputSteps(2);
    const cut = [mark(0, 10), mark(1, 10)];
    expect(steps.note(notice(0, 1, mark(0, 20), mark(1, 20)))).toBe(false);
    // Shard 1 has not told yet: nothing is known.
    expect(steps.beyond(cut)).toBe(false);
    // The first meet of all is a step; the same again is not.
    expect(steps.note(notice(1, 1, mark(0, 10), mark(1, 10)))).toBe(true);
    expect(steps.beyond(cut)).toBe(false);
    expect(steps.note(notice(1, 1, mark(0, 10), mark(1, 10)))).toBe(false);
    expect(steps.note(notice(1, 1, mark(0, 10), mark(1, 11)))).toBe(true);
    expect(steps.beyond(cut)).toBe(true);
    // Shard 0 moving further is no step while shard 1 stands.
    expect(steps.note(notice(0, 1, mark(0, 30), mark(1, 30)))).toBe(false);
    // A partition the cut does not name yet counts as beyond it.
    expect(steps.beyond([mark(0, 10)])).toBe(true);
    expect(steps.beyond([mark(0, 10), mark(1, 11)])).toBe(false);
  });

  it("keep the latest owner's notice: an older epoch's coming late is ignored", () => {
    const steps = new InputSteps(1);
    steps.note(notice(0, 2, mark(0, 5)));
    expect(steps.note(notice(0, 1, mark(0, 50)))).toBe(false);
    expect(steps.beyond([mark(0, 5)])).toBe(false);
    expect(steps.note(notice(0, 3, mark(0, 6)))).toBe(true);
    expect(steps.beyond([mark(0, 5)])).toBe(true);
    // A new owner restored from an older snapshot takes the meet back: moving forward again is a step.
    expect(steps.note(notice(0, 4, mark(0, 4)))).toBe(false);
    expect(steps.beyond([mark(0, 4)])).toBe(false);
    expect(steps.note(notice(0, 4, mark(0, 5)))).toBe(true);
    // A shard beyond the configured count is not one of them.
    expect(steps.note(notice(1, 9, mark(0, 1)))).toBe(false);
    expect(steps.beyond([mark(0, 4)])).toBe(true);
  });
});

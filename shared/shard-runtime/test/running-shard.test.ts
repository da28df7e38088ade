/** A running shard's phases (running-shard.ts), with a feed and a snapshot store the test holds. */
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "@meetuphype/log";
import { RetryAbortedError } from "@meetuphype/control-plane";
import { RunningShard, type ShardFeedFactory, type ShardLogic, type StreamMessage } from "../src/index.js";

function setup(onStream: (group: readonly StreamMessage[], signal: AbortSignal) => Promise<void>) {
  let deliver: ((seq: number, data: Uint8Array, pending: number) => Promise<void>) | undefined;
  let feedStopped = false;
  const feed: ShardFeedFactory = (_subject, _after, d) => {
    deliver = d;
    return { done: Promise.resolve(), stop: () => void (feedStopped = true) };
  };
  const saves: string[] = [];
  const logic: ShardLogic<string> = {
    onStream,
    onExtra: () => Promise.resolve(),
    snapshot: (seq) => Buffer.from(String(seq)),
  };
  const shard = new RunningShard<string>({
    shard: 0,
    logic,
    seq: 0,
    catchUpTo: 0,
    lease: { epoch: 1, valid: () => true },
    name: "snap-0",
    logger: silentLogger,
    actorName: "s/0",
    subject: "in.0",
    feed,
    snapshots: {
      load: () => Promise.resolve(undefined),
      save: (name, bytes) => {
        saves.push(`${name}@${Buffer.from(bytes).toString()}`);
        return Promise.resolve();
      },
    },
    snapshotEveryMs: 3_600_000,
    onPending: () => undefined,
    onSaved: () => undefined,
  });
  const push = (seq: number): Promise<void> => (deliver as NonNullable<typeof deliver>)(seq, Buffer.from(String(seq)), 0);
  return { shard, saves, push, feedStopped: () => feedStopped };
}

describe("a running shard", () => {
  it("running → handing-over → stopped: the feed stops, the work in hand finishes, the snapshot is saved", async () => {
    const handled: number[] = [];
    const t = setup((group) => {
      handled.push(...group.map((m) => m.seq));
      return Promise.resolve();
    });
    expect(t.shard.phase).toBe("running");
    await t.push(1);
    await t.push(2);
    await vi.waitFor(() => expect(handled).toEqual([1, 2]));
    const over = t.shard.handOver();
    expect(t.shard.phase).toBe("handing-over");
    await over;
    expect(t.shard.phase).toBe("stopped");
    expect(t.feedStopped()).toBe(true);
    expect(t.saves).toEqual(["snap-0@2"]);
    // Stopped stays stopped.
    t.shard.abandon();
    await t.shard.handOver();
    expect(t.shard.phase).toBe("stopped");
  });

  it("abandoned during a hand-over: the message in hand gives up, and nothing is saved", async () => {
    const t = setup(
      (_group, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(new RetryAbortedError("publish to c.1", undefined)), { once: true }),
        ),
    );
    await t.push(1);
    await new Promise((r) => setTimeout(r, 10)); // the message is in hand, its publish retrying
    const over = t.shard.handOver();
    t.shard.abandon();
    expect(t.shard.phase).toBe("abandoned");
    await over;
    expect(t.shard.phase).toBe("abandoned");
    expect(t.saves).toEqual([]);
  });
});

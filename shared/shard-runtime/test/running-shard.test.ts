/** A running shard's phases (running-shard.ts), with a feed and a snapshot store the test holds. */
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "@meetuphype/log";
import { RetryAbortedError } from "@meetuphype/control-plane";
import { RunningShard, type ShardFeedFactory, type ShardLogic, type StreamMessage } from "../src/index.js";

interface Setup {
  readonly snapshot?: (seq: number) => Iterable<Uint8Array>;
  readonly close?: () => void;
  /** The store's save; by default it records the save at once. */
  readonly save?: (name: string, bytes: Uint8Array) => Promise<void>;
  readonly snapshotEveryMs?: number;
  readonly snapshotPhase?: number;
}

function setup(onStream: (group: readonly StreamMessage[], signal: AbortSignal) => Promise<void>, o: Setup = {}) {
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
    snapshot: o.snapshot ?? ((seq) => [Buffer.from(String(seq))]),
    ...(o.close !== undefined ? { close: o.close } : {}),
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
        return o.save?.(name, bytes) ?? Promise.resolve();
      },
    },
    snapshotEveryMs: o.snapshotEveryMs ?? 3_600_000,
    ...(o.snapshotPhase !== undefined ? { snapshotPhase: o.snapshotPhase } : {}),
    onPending: () => undefined,
    onSaved: () => undefined,
  });
  const push = (seq: number): Promise<void> => (deliver as NonNullable<typeof deliver>)(seq, Buffer.from(String(seq)), 0);
  return { shard, saves, push, feedStopped: () => feedStopped };
}

/** Lets the real turns of the event loop pass (not vi.waitFor: with fake timers it moves them on). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
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

  it("saves periodically, the first time at half a period plus its phase: shards started together do not save at once", async () => {
    // Only the timers are fake: the save's turns of the event loop (setImmediate) stay real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      const t = setup(() => Promise.resolve(), { snapshotEveryMs: 1000, snapshotPhase: 0.25 });
      await vi.advanceTimersByTimeAsync(749);
      await settle();
      expect(t.saves).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await settle();
      expect(t.saves).toEqual(["snap-0@0"]);
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      expect(t.saves).toEqual(["snap-0@0", "snap-0@0"]);
      t.shard.abandon();
      await vi.advanceTimersByTimeAsync(5000);
      expect(t.saves).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("takes a snapshot's parts one turn of the event loop apart, and saves them as one", async () => {
    const events: string[] = [];
    const parts = function* (seq: number) {
      for (const p of ["a", "b", "c"]) {
        events.push(`part ${p}`);
        // Other work that comes up meanwhile (a lease renewal's timer, a reply) runs before the next part.
        setImmediate(() => events.push(`other after ${p}`));
        yield Buffer.from(`${p}${seq}`);
      }
    };
    const t = setup(() => Promise.resolve(), { snapshot: parts });
    await t.push(4);
    await t.shard.handOver();
    expect(events).toEqual(["part a", "other after a", "part b", "other after b", "part c", "other after c"]);
    expect(t.saves).toEqual(["snap-0@a4b4c4"]);
  });

  it("goes on with its stream while a periodic snapshot uploads; skips a period meanwhile; a hand-over's save goes after it and is waited for", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      // The store acknowledges each upload when the test says so.
      const acks: (() => void)[] = [];
      const handled: number[] = [];
      const t = setup(
        (group) => {
          handled.push(...group.map((m) => m.seq));
          return Promise.resolve();
        },
        { snapshotEveryMs: 1000, snapshotPhase: 0, save: () => new Promise<void>((resolve) => acks.push(resolve)) },
      );
      await t.push(1);
      await vi.advanceTimersByTimeAsync(500);
      await settle();
      expect(t.saves).toEqual(["snap-0@1"]);
      // Its upload is not acknowledged, yet the shard handles what comes.
      await t.push(2);
      await settle();
      expect(handled).toEqual([1, 2]);
      // The next period finds it still on its way: no second upload.
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      expect(t.saves).toEqual(["snap-0@1"]);
      // The hand-over's snapshot waits for the one before it, and the hand-over waits for both.
      let over = false;
      void t.shard.handOver().then(() => (over = true));
      await settle();
      expect(t.saves).toEqual(["snap-0@1"]);
      acks[0]?.();
      await settle();
      expect(t.saves).toEqual(["snap-0@1", "snap-0@2"]);
      expect(over).toBe(false);
      acks[1]?.();
      await settle();
      expect(over).toBe(true);
      expect(t.shard.phase).toBe("stopped");
    } finally {
      vi.useRealTimers();
    }
  });

  it("closes its logic once, after the last message, whether handed over or abandoned", async () => {
    for (const end of ["handOver", "abandon", "both"] as const) {
      const events: string[] = [];
      const t = setup(
        (group) => {
          events.push(`stream ${group.map((m) => m.seq).join(",")}`);
          return Promise.resolve();
        },
        { close: () => void events.push("close") },
      );
      await t.push(1);
      await vi.waitFor(() => expect(events).toEqual(["stream 1"]));
      if (end === "abandon") t.shard.abandon();
      else {
        const over = t.shard.handOver();
        if (end === "both") t.shard.abandon();
        await over;
      }
      await settle();
      expect(events, end).toEqual(["stream 1", "close"]);
    }
  });
});

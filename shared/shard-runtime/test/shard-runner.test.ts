/** The shard runtime (JetStreamShards) without a broker: a feed, a snapshot store and a lease the test holds. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "@meetuphype/log";
import {
  JetStreamShards,
  LeaseExpiredError,
  ShardStartError,
  type ShardFeedFactory,
  type ShardLogic,
  type SnapshotStorage,
  type StreamMessage,
} from "../src/index.js";
import { RetryAbortedError } from "@meetuphype/control-plane";

type Deliver = (seq: number, data: Uint8Array, pending: number) => Promise<void>;

const seqOf = (b: Uint8Array): number => Number(Buffer.from(b).toString());
const bytesOf = (seq: number): Uint8Array => Buffer.from(String(seq));

function setup(
  o: {
    lastSeq?: number;
    failOn?: Map<number, Error>;
    saved?: Map<string, Uint8Array>;
    load?: SnapshotStorage["load"];
    lastSeqOf?: (shard: number) => Promise<number>;
  } = {},
) {
  const feeds: { subject: string; after: number; deliver: Deliver; signal: AbortSignal; stopped: boolean }[] = [];
  const feed: ShardFeedFactory = (subject, after, deliver, signal) => {
    const f = { subject, after, deliver, signal, stopped: false };
    feeds.push(f);
    return { done: Promise.resolve(), stop: () => void (f.stopped = true) };
  };
  const stored = o.saved ?? new Map<string, Uint8Array>();
  const saves: string[] = [];
  const snapshots: SnapshotStorage = {
    load: o.load ?? ((name) => Promise.resolve(stored.get(name))),
    save: (name, bytes) => {
      saves.push(`${name}@${seqOf(bytes)}`);
      stored.set(name, bytes);
      return Promise.resolve();
    },
  };
  const groups: number[][] = [];
  const extras: { msg: string; caughtUp: boolean; lastSeq: number }[] = [];
  const created: { shard: number; snapshot: number | undefined }[] = [];
  const lease = {
    epoch: 1,
    ok: true,
    valid(): boolean {
      return this.ok;
    },
  };
  const shards = new JetStreamShards<string>({
    feed,
    stream: "s",
    subjectOf: (s) => `in.${s}`,
    snapshotName: (s) => `snap-${s}`,
    snapshots,
    lastSeqOf: o.lastSeqOf ?? (() => Promise.resolve(o.lastSeq ?? 0)),
    logger: silentLogger,
    snapshotEveryMs: 3_600_000,
    create: (shard, snapshot) => {
      const seq = snapshot === undefined ? 0 : seqOf(snapshot);
      created.push({ shard, snapshot: snapshot === undefined ? undefined : seq });
      const logic: ShardLogic<string> = {
        onStream: (group: readonly StreamMessage[]) => {
          groups.push(group.map((m) => m.seq));
          const err = group.map((m) => o.failOn?.get(m.seq)).find((e) => e !== undefined);
          return err === undefined ? Promise.resolve() : Promise.reject(err);
        },
        onExtra: (msg, at) => {
          extras.push({ msg, ...at });
          return Promise.resolve();
        },
        snapshot: (seq) => [bytesOf(seq)],
      };
      return { logic, seq };
    },
  });
  const push = async (shard: number, ...seqs: number[]): Promise<void> => {
    const f = feeds.filter((x) => x.subject === `in.${shard}`).at(-1);
    if (f === undefined) throw new Error(`no feed for shard ${shard}`);
    for (const s of seqs) await f.deliver(s, bytesOf(s), 0);
  };
  /** Starts `shard` under the test's lease (stopped after the test). */
  const start = async (shard = 0): Promise<void> => {
    running.push(shards);
    await shards.start(shard, lease);
  };
  /** Delivers `seq` to shard 0 and waits until the logic has been handed it. */
  const handled = async (seq: number): Promise<void> => {
    await push(0, seq);
    await vi.waitFor(() => expect(groups.flat()).toContain(seq));
  };
  return { shards, feeds, saves, stored, groups, extras, created, lease, push, start, handled };
}

let running: JetStreamShards<string>[] = [];
afterEach(() => {
  for (const r of running) r.abandonAll();
  running = [];
});

describe("the shard runtime", () => {
  it("hands stream messages to the logic in order, skips a redelivered one, and saves the last handled sequence on stop", async () => {
    const t = setup();
    await t.start();
    expect(t.feeds.map((f) => [f.subject, f.after])).toEqual([["in.0", 0]]);
    await t.push(0, 1, 2, 3);
    await vi.waitFor(() => expect(t.groups.flat()).toEqual([1, 2, 3]));
    // A resubscription may deliver again what was handled: the logic never sees it twice.
    await t.push(0, 2, 3, 4);
    await vi.waitFor(() => expect(t.groups.flat()).toEqual([1, 2, 3, 4]));
    await t.shards.stop(0);
    expect(t.saves).toEqual(["snap-0@4"]);
    expect(t.feeds[0]?.stopped).toBe(true);
    expect(t.feeds[0]?.signal.aborted).toBe(true);
  });

  it("resumes a shard after the sequence its snapshot covers", async () => {
    const t = setup({ saved: new Map([["snap-3", bytesOf(7)]]) });
    await t.start(3);
    expect(t.created).toEqual([{ shard: 3, snapshot: 7 }]);
    expect(t.feeds.map((f) => [f.subject, f.after])).toEqual([["in.3", 7]]);
  });

  it("tells extra messages whether the shard has caught up with its stream as it stood at start", async () => {
    const t = setup({ lastSeq: 3 });
    await t.start();
    await t.shards.broadcast("early");
    await t.push(0, 1, 2, 3);
    await vi.waitFor(() => expect(t.groups.flat()).toEqual([1, 2, 3]));
    await t.shards.broadcast("later");
    await vi.waitFor(() =>
      expect(t.extras.map((e) => [e.msg, e.caughtUp, e.lastSeq])).toEqual([
        ["early", false, 0],
        ["later", true, 3],
      ]),
    );
  });

  it("stops handling a shard whose message it gave up on, and never saves that state", async () => {
    const t = setup({ failOn: new Map([[2, new RetryAbortedError("publish to c.1", undefined)]]) });
    await t.start();
    await t.handled(1);
    await t.handled(2);
    await t.push(0, 3);
    await t.shards.stop(0);
    // The state after 2 holds effects that were not all made: the next owner replays from the last snapshot.
    expect(t.groups).toEqual([[1], [2]]);
    expect(t.saves).toEqual([]);
  });

  it("skips messages the logic cannot read, loudly, and goes on", async () => {
    const t = setup({ failOn: new Map([[2, new Error("not a DedupBatch")]]) });
    await t.start();
    for (const seq of [1, 2, 3]) await t.handled(seq);
    expect(t.groups).toEqual([[1], [2], [3]]);
    await t.shards.stop(0);
    expect(t.saves).toEqual(["snap-0@3"]);
  });

  it("saves nothing once the lease lapsed (fenced), and starts nothing under a lapsed lease", async () => {
    const t = setup();
    await t.start();
    await t.handled(1);
    t.lease.ok = false;
    await t.shards.stop(0);
    expect(t.saves).toEqual([]);
    await expect(t.shards.start(1, t.lease)).rejects.toThrow(LeaseExpiredError);
    expect(t.shards.progress().size).toBe(0);
  });

  it("stops loading a snapshot when its start is given up on, and starts nothing", async () => {
    let reading: AbortSignal | undefined;
    const t = setup({
      // A read that never answers by itself (stuck on a broker node): it ends only when told to.
      load: (_name, signal) =>
        new Promise((_, reject) => {
          reading = signal;
          signal?.addEventListener("abort", () => reject(new Error("read cancelled")), { once: true });
        }),
    });
    const gaveUp = new AbortController();
    const started = t.shards.start(0, t.lease, gaveUp.signal);
    await vi.waitFor(() => expect(reading).toBe(gaveUp.signal));
    gaveUp.abort();
    await expect(started).rejects.toThrow("read cancelled");
    expect(t.created).toEqual([]);
    expect(t.feeds).toEqual([]);
    expect(t.shards.leases().size).toBe(0);
  });

  it("names the step of a start that failed, and what a bare NATS 503 means, keeping the cause", async () => {
    // nats.js's error when no server answers a request: its message and code are both "503".
    const noResponders = Object.assign(new Error("503"), { name: "NatsError", code: "503" });
    const t = setup({ load: () => Promise.reject(noResponders) });
    const err = await t.shards.start(3, t.lease).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShardStartError);
    expect((err as Error).message).toMatch(
      /^shard 3: loading its snapshot snap-3 failed: NatsError: 503 \(503\) \(no NATS server answered/,
    );
    expect((err as Error).cause).toBe(noResponders);
    expect(err).toMatchObject({ name: "ShardStartError", code: "SHARD_START_FAILED", retriable: true, shard: 3 });
    expect(t.created).toEqual([]);
    expect(t.feeds).toEqual([]);

    const down = new Error("connection closed");
    const u = setup({ lastSeqOf: () => Promise.reject(down) });
    const later = await u.shards.start(5, u.lease).catch((e: unknown) => e);
    expect((later as ShardStartError).message).toBe("shard 5: reading the last sequence of in.5 failed: Error: connection closed");
    expect((later as ShardStartError).step).toBe("reading the last sequence of in.5");
    expect(u.feeds).toEqual([]);
    expect(u.shards.leases().size).toBe(0);
  });

  it("abandons a shard at once: its feed stops and nothing is saved", async () => {
    const t = setup();
    await t.start();
    await t.handled(1);
    t.shards.abandon(0);
    expect(t.feeds[0]?.stopped).toBe(true);
    await t.shards.stop(0);
    expect(t.saves).toEqual([]);
    expect(t.shards.progress().size).toBe(0);
  });
});

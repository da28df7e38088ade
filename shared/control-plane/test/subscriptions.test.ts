import { describe, expect, it } from "vitest";
import type { Msg, NatsConnection, SubscriptionOptions } from "nats";
import { lineLogger } from "@meetuphype/log";
import { pipeline as pb } from "@meetuphype/proto";
import {
  decodeRankRequest,
  encodeCoverageNotice,
  encodeCoverageNotices,
  encodeRankRequest,
  subscribeCoverageNotices,
  subscribeDecoded,
  type CoverageNotice,
} from "../src/index.js";

/** A connection that only records the subscription, so the test hands it messages. */
function fakeConnection() {
  let callback: SubscriptionOptions["callback"];
  const nc = {
    subscribe: (_subject: string, opts?: SubscriptionOptions) => {
      callback = opts?.callback;
      return {} as ReturnType<NatsConnection["subscribe"]>;
    },
  };
  const deliver = (data: Uint8Array) => callback?.(null, { data } as Msg);
  return { nc, deliver };
}

const notice = (shard: number): CoverageNotice => ({
  shard,
  epoch: 1,
  coverage: [{ partition: 0, next: shard + 1, clock: 5 }],
  sent: [shard],
});

describe("subscriptions that decode their messages", () => {
  it("hands over each message's notices, one or a bundle, and logs and skips one it cannot read", () => {
    const { nc, deliver } = fakeConnection();
    const lines: string[] = [];
    const taken: number[][] = [];
    subscribeCoverageNotices(
      nc,
      "p.coverage",
      lineLogger("warn", (l) => lines.push(l)),
      (ns) => taken.push(ns.map((n) => n.shard)),
    );
    deliver(encodeCoverageNotice(notice(3)));
    deliver(encodeCoverageNotices([notice(1), notice(2)]));
    // A bundle inside a bundle, and bytes that are no protobuf: neither throws into the client.
    const nested = pb.CoverageNotice.encode({
      shard: 0,
      epoch: 0,
      coverage: [],
      sent: [],
      bundled: [pb.CoverageNotice.decode(encodeCoverageNotices([notice(1), notice(2)]))],
    }).finish();
    expect(() => deliver(nested)).not.toThrow();
    expect(() => deliver(new Uint8Array([0xff, 0xff, 0xff]))).not.toThrow();
    deliver(encodeCoverageNotice(notice(4)));
    expect(taken).toEqual([[3], [1, 2], [4]]);
    expect(lines.length).toBe(2);
    expect(lines.every((l) => l.includes("a message cannot be read") && l.includes("p.coverage"))).toBe(true);
  });

  it("read rank requests the same way: one that cannot be read is logged, the next is taken", () => {
    const { nc, deliver } = fakeConnection();
    const lines: string[] = [];
    const seqs: number[] = [];
    subscribeDecoded(
      nc,
      "p.rank",
      decodeRankRequest,
      lineLogger("warn", (l) => lines.push(l)),
      (r) => seqs.push(r.seq),
    );
    expect(() => deliver(new Uint8Array([0x0a, 0xff]))).not.toThrow();
    deliver(encodeRankRequest({ now: 5, seq: 7, k: 10, cut: [], probe: true }));
    expect(seqs).toEqual([7]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("p.rank");
  });
});

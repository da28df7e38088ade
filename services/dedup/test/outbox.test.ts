import { describe, expect, it } from "vitest";
import { DeltaColumns } from "@meetuphype/core";
import { decodeDeltaMessages, encodeDeltaBatch, type PublishAck } from "@meetuphype/control-plane";
import { type AckedPublisher } from "@meetuphype/shard-runtime";
import { bundleId, bundles, DeltaOutbox } from "../src/outbox.js";

const batch = (shard: number, seq: number) =>
  encodeDeltaBatch({
    shard,
    epoch: 1,
    segments: [{ seq, part: 0, deltas: new DeltaColumns() }],
    coverage: [{ partition: 0, next: seq, clock: 1 }],
  });

/** A publisher that records each publish and answers as told. */
function recording(answer: (n: number) => Promise<PublishAck> = (n) => Promise.resolve({ stream: "s", seq: n, duplicate: false })) {
  const sent: { subject: string; data: Uint8Array; msgID: string }[] = [];
  const publisher: AckedPublisher = {
    publish: (subject, data, msgID) => {
      sent.push({ subject, data, msgID });
      return answer(sent.length);
    },
  };
  return { sent, publisher };
}

/** An outbox flushed by hand, so a test decides what shares a turn. */
function manual(publisher: AckedPublisher, maxBytes?: number) {
  let pending: (() => void) | undefined;
  const outbox = new DeltaOutbox(publisher, maxBytes, (f) => (pending = f));
  return { outbox, flush: () => pending?.() };
}

const never = (): Promise<PublishAck> => Promise.reject(new Error("sent alone"));

describe("the dedup replica's outbox", () => {
  it("sends the batches of one turn for one counter shard as one bundle, each shard answered with its acknowledgement", async () => {
    const { sent, publisher } = recording();
    const { outbox, flush } = manual(publisher);
    const valid = () => true;
    const one = outbox.send("c.0", batch(1, 10), "d1", valid, never);
    const two = outbox.send("c.0", batch(2, 20), "d2", valid, never);
    const other = outbox.send("c.1", batch(1, 11), "d3", valid, never);
    flush();
    expect(await Promise.all([one, two, other])).toEqual([
      { stream: "s", seq: 1, duplicate: false },
      { stream: "s", seq: 1, duplicate: false },
      { stream: "s", seq: 2, duplicate: false },
    ]);
    expect(sent.map((s) => s.subject)).toEqual(["c.0", "c.1"]);
    expect(decodeDeltaMessages(sent[0]!.data).map((b) => b.shard)).toEqual([1, 2]);
    expect(sent[0]!.msgID).toBe(bundleId(["d1", "d2"]));
    // A batch alone goes as it is, with its own id.
    expect(sent[1]!.msgID).toBe("d3");
    expect(decodeDeltaMessages(sent[1]!.data)).toHaveLength(1);
  });

  it("sends each batch alone (its shard's retries) when the bundle fails", async () => {
    const { publisher } = recording(() => Promise.reject(new Error("timeout")));
    const { outbox, flush } = manual(publisher);
    const aloneAck = (seq: number) => () => Promise.resolve({ stream: "s", seq, duplicate: false });
    const one = outbox.send("c.0", batch(1, 10), "d1", () => true, aloneAck(7));
    const two = outbox.send("c.0", batch(2, 20), "d2", () => true, aloneAck(8));
    flush();
    expect((await Promise.all([one, two])).map((a) => a.seq)).toEqual([7, 8]);
  });

  it("leaves out a shard whose lease lapsed before the bundle went: its own path refuses it", async () => {
    const { sent, publisher } = recording();
    const { outbox, flush } = manual(publisher);
    const lapsed = outbox.send(
      "c.0",
      batch(1, 10),
      "d1",
      () => false,
      () => Promise.reject(new Error("lease expired")),
    );
    const fine = outbox.send("c.0", batch(2, 20), "d2", () => true, never);
    flush();
    await expect(lapsed).rejects.toThrow("lease expired");
    expect((await fine).seq).toBe(1);
    expect(sent).toHaveLength(1);
    expect(decodeDeltaMessages(sent[0]!.data).map((b) => b.shard)).toEqual([2]);
  });

  it("keeps a bundle under its size, in order", () => {
    const part = (n: number) => ({ bytes: new Uint8Array(n) });
    const parts = [part(40), part(40), part(40), part(200), part(10)];
    expect(bundles(parts, 100).map((run) => run.map((p) => p.bytes.length))).toEqual([[40, 40], [40], [200], [10]]);
    expect(bundles([], 100)).toEqual([]);
  });

  it("names a bundle by its parts", () => {
    expect(bundleId(["a", "b"])).toBe(bundleId(["a", "b"]));
    expect(bundleId(["a", "b"])).not.toBe(bundleId(["b", "a"]));
    expect(bundleId(["a", "b"])).toMatch(/^bundle-[A-Za-z0-9_-]{32}$/);
  });
});

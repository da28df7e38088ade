/** JetStream publishes with acknowledgements matched on one inbox, against a real nats-server. */
import { connect, RetentionPolicy, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueName } from "@meetuphype/testkit";
import { JetStreamPublisher, JetStreamPublishError } from "../src/index.js";

let nc: NatsConnection;
let stream: string;

beforeAll(async () => {
  nc = await connect({ servers: inject("natsUrl") });
  stream = uniqueName("pub");
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], retention: RetentionPolicy.Limits, max_msg_size: 1024 });
});

afterAll(async () => {
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
  await nc.drain();
});

describe("JetStreamPublisher", () => {
  it("resolves each publish with its stream sequence, in order, many in flight at once", async () => {
    const p = new JetStreamPublisher(nc);
    try {
      const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => p.publish(`${stream}.a`, new Uint8Array([i % 256]), `a-${i}`)));
      expect(acks.map((a) => a.stream)).toEqual(Array(500).fill(stream));
      const seqs = acks.map((a) => a.seq);
      expect(new Set(seqs).size).toBe(500);
      expect(acks.every((a) => !a.duplicate)).toBe(true);
      expect(p.inFlight).toBe(0);
      const m = await (await nc.jetstreamManager()).streams.getMessage(stream, { seq: seqs[7]! });
      expect([...m.data]).toEqual([7]);
      expect(m.header.get("Nats-Msg-Id")).toBe("a-7");
    } finally {
      p.close();
    }
  });

  it("answers a repeated message id with the first copy's sequence, marked duplicate (crash replay)", async () => {
    const p = new JetStreamPublisher(nc);
    try {
      const first = await p.publish(`${stream}.b`, new Uint8Array([1]), "b-1");
      const again = await p.publish(`${stream}.b`, new Uint8Array([1]), "b-1");
      expect(again).toEqual({ stream, seq: first.seq, duplicate: true });
    } finally {
      p.close();
    }
  });

  it("rejects, retriably, when no stream takes the subject, when the stream refuses, and when no acknowledgement comes", async () => {
    const p = new JetStreamPublisher(nc, 300);
    const silent = nc.subscribe(`${uniqueName("silent")}.x`);
    try {
      const none = await p.publish(`${uniqueName("nostream")}.x`, new Uint8Array([1]), "n-1").catch((e: unknown) => e);
      expect(none).toBeInstanceOf(JetStreamPublishError);
      expect(none).toMatchObject({ code: "no_stream", retriable: true });
      expect(String(none)).toMatch(/no stream answered \(503 no responders\): none takes the subject, or its stream has no leader yet/);
      const big = await p.publish(`${stream}.c`, new Uint8Array(4096), "c-1").catch((e: unknown) => e);
      expect(big).toMatchObject({ code: "stream_error" });
      expect(String(big)).toMatch(/message size exceeds maximum allowed/);
      // A subscriber that never answers: the publish times out after 300 ms.
      const started = Date.now();
      const late = await p.publish(silent.getSubject(), new Uint8Array([1]), "s-1").catch((e: unknown) => e);
      expect(late).toMatchObject({ code: "timeout" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(p.inFlight).toBe(0);
    } finally {
      silent.unsubscribe();
      p.close();
    }
  });

  it("rejects what waits when it closes, and refuses new publishes", async () => {
    const p = new JetStreamPublisher(nc);
    const silent = nc.subscribe(`${uniqueName("silent")}.y`);
    const waiting = p.publish(silent.getSubject(), new Uint8Array([1]), "w-1").catch((e: unknown) => e);
    p.close();
    expect(await waiting).toMatchObject({ code: "closed" });
    expect(await p.publish(`${stream}.d`, new Uint8Array([1]), "d-1").catch((e: unknown) => e)).toMatchObject({ code: "closed" });
    silent.unsubscribe();
  });
});

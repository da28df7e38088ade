import type { Message, RecordMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { memoryLogger } from "@meetuphype/log";
import { isLostProducerState, RecordProducer, unanswered, UnansweredSendError } from "../src/index.js";

const answer = (partition: number, errorCode = 0): RecordMetadata => ({ topicName: "t", partition, errorCode });

describe("unanswered", () => {
  const msgs: Message[] = ["a", "b", "c", "d"].map((value) => ({ value }));
  const placed = new Map<Message, number>(msgs.map((m, i) => [m, i % 2]));

  it("keeps, in order, the messages of partitions the answer leaves out (a leader moved to a broker that had answered)", () => {
    expect(unanswered(msgs, (m) => placed.get(m), [answer(0)]).map((m) => m.value)).toEqual(["b", "d"]);
  });

  it("is empty when every partition answered", () => {
    expect(unanswered(msgs, (m) => placed.get(m), [answer(1), answer(0)])).toEqual([]);
  });

  it("counts a partition answered with an error, or a message never placed, as unanswered", () => {
    expect(unanswered(msgs, (m) => placed.get(m), [answer(0), answer(1, 7)]).map((m) => m.value)).toEqual(["b", "d"]);
    expect(unanswered([{ value: "x" }], () => undefined, [answer(0)]).map((m) => m.value)).toEqual(["x"]);
  });
});

describe("isLostProducerState", () => {
  it("names the errors after which the idempotent producer must start over, through the cause chain", () => {
    const typed = (type: string) => Object.assign(new Error(type), { type });
    expect(isLostProducerState(typed("OUT_OF_ORDER_SEQUENCE_NUMBER"))).toBe(true);
    expect(isLostProducerState(new Error("retries exceeded", { cause: typed("UNKNOWN_PRODUCER_ID") }))).toBe(true);
    expect(isLostProducerState(typed("NOT_LEADER_FOR_PARTITION"))).toBe(false);
    expect(isLostProducerState(new Error("ECONNREFUSED"))).toBe(false);
  });
});

describe("RecordProducer", () => {
  /** A stand-in for kafkajs: each producer it makes answers sends with `behave(producerNumber, messages)`. */
  const fakeKafka = (behave: (n: number, messages: Message[]) => RecordMetadata[] | Error) => {
    const made: { n: number; connected: number; disconnected: number; sends: number }[] = [];
    const kafka = {
      producer: (cfg: { createPartitioner: () => (a: { topic: string; partitionMetadata: unknown[]; message: Message }) => number }) => {
        const me = { n: made.length, connected: 0, disconnected: 0, sends: 0 };
        made.push(me);
        const partitioner = cfg.createPartitioner();
        return {
          connect: () => (me.connected++, Promise.resolve()),
          disconnect: () => (me.disconnected++, Promise.resolve()),
          send: ({ messages }: { messages: Message[] }) => {
            me.sends++;
            const partitionMetadata = [0, 1].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0 }));
            for (const message of messages) partitioner({ topic: "t", partitionMetadata, message });
            const out = behave(me.n, messages);
            return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
          },
        };
      },
    };
    return { kafka: kafka as never, made };
  };
  const { logger, lines: logged } = memoryLogger();
  const msgs: Message[] = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

  it("sends again the messages of a partition the answer left out, and resolves once all are answered", async () => {
    const sent: number[] = [];
    const { kafka, made } = fakeKafka((_, messages) => {
      sent.push(messages.length);
      return sent.length === 1 ? [answer(0)] : [answer(1)];
    });
    const p = new RecordProducer(kafka, logger);
    await p.send("t", msgs);
    expect(sent[0]).toBe(20);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBeGreaterThan(0);
    expect(sent[1]).toBeLessThan(20); // only partition 1's messages
    expect(made).toHaveLength(1);
  });

  it("gives up after a few rounds that leave a partition out, for the caller to retry the whole send", async () => {
    const { kafka } = fakeKafka(() => [answer(0)]);
    await expect(new RecordProducer(kafka, logger).send("t", msgs)).rejects.toThrow(UnansweredSendError);
  });

  it("starts over with a new producer (a new producer id) when the broker lost its state; the send fails for the caller to retry", async () => {
    const lost = Object.assign(new Error("out of order"), { type: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    const { kafka, made } = fakeKafka((n) => (n === 0 ? lost : [answer(0), answer(1)]));
    const p = new RecordProducer(kafka, logger);
    await p.connect();
    // Two sends in flight see the error: the producer is replaced once.
    const results = await Promise.allSettled([p.send("t", msgs), p.send("t", msgs)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(made).toHaveLength(2);
    expect(made[0]?.disconnected).toBe(1);
    await p.send("t", msgs);
    expect(made[1]).toMatchObject({ connected: 1, sends: 1 });
    expect(logged.join("\n")).toMatch(/starting over with a new producer id/);
  });

  it("keeps the producer on other errors", async () => {
    const { kafka, made } = fakeKafka(() => Object.assign(new Error("no leader"), { type: "LEADER_NOT_AVAILABLE" }));
    await expect(new RecordProducer(kafka, logger).send("t", msgs)).rejects.toThrow("no leader");
    expect(made).toHaveLength(1);
  });
});

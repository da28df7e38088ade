import { Partitioners, type Message, type PartitionMetadata, type RecordMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import { memoryLogger } from "@meetuphype/log";
import { isLostProducerState, placedOnce, RecordProducer, unanswered, UnansweredSendError } from "../src/index.js";

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

describe("placedOnce", () => {
  const partitionMetadata = (n: number, down: number[] = []): PartitionMetadata[] =>
    Array.from({ length: n }, (_, partitionId) => ({
      partitionId,
      leader: down.includes(partitionId) ? -1 : 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }));
  const place = (p: ReturnType<typeof Partitioners.DefaultPartitioner>, message: Message, meta = partitionMetadata(4)): number =>
    p({ topic: "t", partitionMetadata: meta, message });

  it("keeps a message without a key on the partition it was first given, however often kafkajs asks again", () => {
    // kafkajs's own partitioner gives a key-less message the next partition each time it is asked:
    // on a retry, the message could move to a broker that had already answered, and never be sent.
    const plain = Partitioners.DefaultPartitioner();
    const keyless: Message = { key: null, value: "x" };
    expect(new Set(Array.from({ length: 8 }, () => place(plain, keyless))).size).toBeGreaterThan(1);

    const placed = new WeakMap<Message, number>();
    const once = placedOnce(Partitioners.DefaultPartitioner(), placed);
    const first = place(once, keyless);
    // Asked again, also while its partition has no leader (kafkajs then waits for one).
    for (let i = 0; i < 8; i++) expect(place(once, keyless, partitionMetadata(4, [first]))).toBe(first);
    expect(placed.get(keyless)).toBe(first);
    // Other key-less messages still go round the partitions.
    const others = Array.from({ length: 4 }, (_, i) => place(once, { key: null, value: `y${i}` }));
    expect(new Set(others).size).toBe(4);
  });

  it("places a keyed message by its key, as kafkajs does, and again when the topic has fewer partitions than it was given", () => {
    const placed = new WeakMap<Message, number>();
    const once = placedOnce(Partitioners.DefaultPartitioner(), placed);
    const keyed = Array.from({ length: 20 }, (_, i) => ({ key: String(1700000000 + i), value: "v" }));
    const plain = Partitioners.DefaultPartitioner();
    expect(keyed.map((m) => place(once, m))).toEqual(keyed.map((m) => place(plain, m)));
    const high = keyed.find((m) => (placed.get(m) ?? 0) >= 2)!;
    expect(place(once, high, partitionMetadata(2))).toBeLessThan(2);
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

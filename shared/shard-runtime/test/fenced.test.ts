import { describe, expect, it } from "vitest";
import { silentLogger } from "@meetuphype/log";
import { FencedEffects, LeaseExpiredError } from "../src/index.js";
import { RetryAbortedError, type PublishAck } from "@meetuphype/control-plane";

const ack = (seq: number): PublishAck => ({ stream: "s", seq, duplicate: false });

/** Fenced effects over a lease the test controls, with a JetStream publisher that fails `failures` times first. */
function setup(failures = 0) {
  const lease = {
    epoch: 4,
    ok: true,
    valid(): boolean {
      return this.ok;
    },
  };
  const attempts: string[] = [];
  const core: string[] = [];
  const effects = new FencedEffects(
    lease,
    {
      publish: (subject, _data, msgID) => {
        attempts.push(`${subject}:${msgID}`);
        return attempts.length <= failures ? Promise.reject(new Error("no ack")) : Promise.resolve(ack(attempts.length));
      },
    },
    { publish: (subject) => void core.push(subject) },
    silentLogger,
  );
  return { lease, attempts, core, effects };
}

describe("a shard's fenced effects", () => {
  it("retry a publish with the same id until it is acknowledged, and carry the lease's epoch", async () => {
    const { attempts, effects } = setup(2);
    expect(effects.epoch).toBe(4);
    expect(await effects.publish("c.1", new Uint8Array([1]), "id-1", new AbortController().signal)).toEqual(ack(3));
    expect(attempts).toEqual(["c.1:id-1", "c.1:id-1", "c.1:id-1"]);
  });

  it("refuse a publish once the lease lapsed, also between retries", async () => {
    const { lease, attempts, effects } = setup(Infinity);
    const publishing = effects.publish("c.1", new Uint8Array([1]), "id-1", new AbortController().signal);
    await new Promise((r) => setTimeout(r, 20));
    lease.ok = false;
    await expect(publishing).rejects.toBeInstanceOf(LeaseExpiredError);
    const before = attempts.length;
    await expect(effects.publish("c.1", new Uint8Array([1]), "id-2", new AbortController().signal)).rejects.toBeInstanceOf(
      LeaseExpiredError,
    );
    expect(attempts.length).toBe(before);
  });

  it("stop retrying when the shard stops", async () => {
    const { effects } = setup(Infinity);
    const stop = new AbortController();
    const publishing = effects.publish("c.1", new Uint8Array([1]), "id-1", stop.signal);
    stop.abort();
    await expect(publishing).rejects.toBeInstanceOf(RetryAbortedError);
  });

  it("send a core message only while the lease is valid", () => {
    const { lease, core, effects } = setup();
    expect(effects.emit("topk", new Uint8Array([1]))).toBe(true);
    lease.ok = false;
    expect(effects.emit("topk", new Uint8Array([1]))).toBe(false);
    expect(core).toEqual(["topk"]);
  });
});

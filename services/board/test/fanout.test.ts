import { describe, expect, it } from "vitest";
import { Fanout, sseFrame, type Sink } from "../src/index.js";

/** A connection that accepts `room` frames, then reports full until drained. */
class FakeSink implements Sink {
  readonly got: string[] = [];
  private drain: (() => void) | undefined;
  constructor(private room = Number.POSITIVE_INFINITY) {}
  write(chunk: Uint8Array): boolean {
    this.got.push(Buffer.from(chunk).toString("utf8"));
    return --this.room > 0;
  }
  once(_: "drain", listener: () => void): void {
    this.drain = listener;
  }
  /** The socket emptied: `room` more frames fit. */
  empty(room: number): void {
    this.room = room;
    const d = this.drain;
    this.drain = undefined;
    d?.();
  }
  events(): string[] {
    return this.got.map((f) => f.split("\n")[1] ?? "");
  }
}

describe("the board's fan-out", () => {
  it("writes each event as one SSE frame to every viewer", () => {
    const f = new Fanout(10);
    const [a, b] = [new FakeSink(), new FakeSink()];
    f.add(a);
    f.add(b);
    f.publish("snapshot", { n: 1 });
    expect(a.got).toEqual(['event: snapshot\ndata: {"n":1}\n\n']);
    expect(b.got).toEqual(a.got);
  });

  it("never holds the others back for a slow viewer, and keeps only its newest unsent event of each kind", () => {
    const f = new Fanout(10);
    const slow = new FakeSink(1);
    const fast = new FakeSink();
    f.add(slow);
    f.add(fast);
    for (let n = 1; n <= 1000; n++) f.publish("snapshot", { n });
    f.publish("upstream", { connected: false });
    f.publish("snapshot", { n: 1001 });
    expect(fast.got).toHaveLength(1002);
    expect(slow.got).toHaveLength(1); // its socket is full: nothing more is written
    expect(f.replaced).toBe(1000 - 1); // snapshots 2..1000 were replaced by newer ones
    slow.empty(10);
    expect(slow.events()).toEqual(['data: {"n":1}', 'data: {"connected":false}', 'data: {"n":1001}']);
  });

  it("stops flushing when the socket fills again, and goes on at the next drain", () => {
    const f = new Fanout(10);
    const slow = new FakeSink(1);
    f.add(slow);
    f.publish("snapshot", { n: 1 });
    f.publish("upstream", { connected: true });
    f.publish("snapshot", { n: 2 });
    slow.empty(1); // room for the upstream event only
    expect(slow.events()).toEqual(['data: {"n":1}', 'data: {"connected":true}']);
    slow.empty(5);
    expect(slow.events()).toEqual(['data: {"n":1}', 'data: {"connected":true}', 'data: {"n":2}']);
  });

  it("skips keep-alives for a full socket, refuses viewers beyond the limit, and forgets removed ones", () => {
    const f = new Fanout(2);
    const slow = new FakeSink(1);
    const v = f.add(slow)!;
    f.publish("snapshot", { n: 1 });
    f.keepAlive();
    expect(slow.got).toHaveLength(1);
    expect(f.add(new FakeSink())).toBeDefined();
    expect(f.add(new FakeSink())).toBeUndefined();
    f.remove(v);
    expect(f.size).toBe(1);
  });

  it("encodes a frame once, with the JSON on one data line", () => {
    expect(Buffer.from(sseFrame("upstream", { reason: "a\nb" })).toString()).toBe('event: upstream\ndata: {"reason":"a\\nb"}\n\n');
  });
});

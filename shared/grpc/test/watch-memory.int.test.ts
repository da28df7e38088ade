/**
 * WatchTrending streams that never read, by the thousand, come and go: while they are
 * open the server keeps at most one pending snapshot for each, and once they are gone
 * everything they held is given back (the heap returns to where it was).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { eventually } from "@meetuphype/testkit";
import { startTrendingServer, trendingClient, type ServedSnapshot, type TrendingServer } from "../src/index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const STREAMS = 2000;
const PER_CLIENT = 100;
const MB = 1024 * 1024;

/** A ranking of 300 topics with long names: about 40 KB on the wire. */
const ranking = (n: number): ServedSnapshot => ({
  asOfMs: n,
  topics: Array.from({ length: 300 }, (_, i) => ({ rank: i + 1, key: `topic-${n}-${i}`, name: `Topic ${i} `.repeat(10), score: 1000 - i })),
});

class Source {
  snapshot: ServedSnapshot = ranking(0);
  private readonly ls = new Set<(s: ServedSnapshot) => void>();
  subscribe(l: (s: ServedSnapshot) => void): () => void {
    this.ls.add(l);
    return () => void this.ls.delete(l);
  }
  set(s: ServedSnapshot): void {
    this.snapshot = s;
    for (const l of this.ls) l(s);
  }
  get listeners(): number {
    return this.ls.size;
  }
}

function heapMb(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / MB;
}

let server: TrendingServer | undefined;
afterEach(async () => {
  await server?.close(500);
  server = undefined;
});

describe("WatchTrending streams that never read", () => {
  it(`gives back what ${STREAMS} of them held once they are gone`, async () => {
    const src = new Source();
    server = await startTrendingServer({ host: "127.0.0.1", port: 0, source: src, params: DEFAULT_PARAMS });
    const addr = `127.0.0.1:${server.port}`;
    const s = server;
    const before = heapMb();
    const clients = Array.from({ length: STREAMS / PER_CLIENT }, () => trendingClient(addr));
    const calls = clients.flatMap((c) =>
      Array.from({ length: PER_CLIENT }, () => {
        const call = c.watchTrending({ limit: 0 });
        call.on("error", () => undefined);
        // Never reads: the stream's flow-control window fills and the server's writes block.
        call.pause();
        return call;
      }),
    );
    await eventually("every stream to be open", () => (s.watching() === STREAMS ? true : `${s.watching()} open`), 60_000);
    for (let n = 1; n <= 20; n++) src.set(ranking(n));
    const open = heapMb();
    for (const call of calls) call.cancel();
    for (const c of clients) c.close();
    await eventually("every stream to be gone", () => (s.watching() === 0 && src.listeners === 0 ? true : `${s.watching()} open`), 60_000);
    // Let the HTTP/2 sessions wind down before measuring.
    await new Promise((r) => setTimeout(r, 1000));
    const after = heapMb();
    console.log(
      `${STREAMS} unread WatchTrending streams: heap ${before.toFixed(0)} MB before, ${open.toFixed(0)} MB while open, ${after.toFixed(0)} MB after`,
    );
    expect(after - before).toBeLessThan(16);
  });
});

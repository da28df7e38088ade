/**
 * WatchTrending streams that never read, by the thousand, come and go: while they are
 * open the server keeps at most one pending snapshot for each, and once they are gone
 * everything they held is given back (the heap returns to where it was).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { eventually } from "@meetuphype/testkit";
import { TestSource } from "./source.js";
import { PROTO_ROOT, startTrendingServer, type ServedSnapshot, type TrendingServer } from "../src/index.js";

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

function heapMb(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / MB;
}

let server: TrendingServer | undefined;
afterEach(async () => {
  await server?.close(500);
  server = undefined;
});

/**
 * Opens `streams` WatchTrending streams that never read, from another process (so that
 * only the server's memory is measured here), holds them until told, then cancels them.
 */
function unreadWatchers(addr: string, streams: number): { opened: Promise<void>; close(): Promise<void> } {
  const script = `
    const grpc = require("@grpc/grpc-js");
    const loader = require("@grpc/proto-loader");
    const def = loader.loadSync("meetuphype/v1/trending.proto", { includeDirs: [${JSON.stringify(PROTO_ROOT)}] });
    const Service = grpc.loadPackageDefinition(def).meetuphype.v1.TrendingService;
    const clients = [];
    const calls = [];
    for (let i = 0; i < ${streams / PER_CLIENT}; i++) {
      const c = new Service(${JSON.stringify(addr)}, grpc.credentials.createInsecure());
      clients.push(c);
      for (let j = 0; j < ${PER_CLIENT}; j++) {
        const call = c.watchTrending({ limit: 0 });
        call.on("error", () => {});
        call.pause();
        calls.push(call);
      }
    }
    process.stdout.write("open\\n");
    process.stdin.once("data", () => {
      for (const call of calls) call.cancel();
      for (const c of clients) c.close();
      setTimeout(() => process.exit(0), 200);
    });`;
  const child = spawn(process.execPath, ["-e", script], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => (b.toString().includes("open") ? resolve() : undefined));
    child.once("exit", (code) => reject(new Error(`the watchers' process exited with ${code}`)));
  });
  return {
    opened,
    close: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin.write("close\n");
      await exited;
    },
  };
}

describe("WatchTrending streams that never read", () => {
  it(`gives back what ${STREAMS} of them held once they are gone, round after round`, async () => {
    const src = new TestSource(ranking(0));
    server = await startTrendingServer({ host: "127.0.0.1", port: 0, source: src, params: DEFAULT_PARAMS });
    const addr = `127.0.0.1:${server.port}`;
    const s = server;
    let n = 0;
    const round = async (): Promise<{ open: number; after: number }> => {
      const w = unreadWatchers(addr, STREAMS);
      await w.opened;
      await eventually("every stream to be open", () => (s.watching() === STREAMS ? true : `${s.watching()} open`), 60_000);
      // Rankings keep changing while nobody reads: each stream holds at most one pending.
      for (let i = 0; i < 20; i++) src.set(ranking(++n));
      await new Promise((r) => setTimeout(r, 500));
      const open = heapMb();
      await w.close();
      await eventually(
        "every stream to be gone",
        () => (s.watching() === 0 && src.listeners === 0 ? true : `${s.watching()} open`),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      return { open, after: heapMb() };
    };
    const before = heapMb();
    const first = await round();
    const second = await round();
    console.log(
      `${STREAMS} unread WatchTrending streams, twice: heap ${before.toFixed(0)} MB before; ${first.open.toFixed(0)} MB open, ${first.after.toFixed(0)} MB after; ${second.open.toFixed(0)} MB open, ${second.after.toFixed(0)} MB after`,
    );
    // While open, each stream holds one write in flight and one pending ranking at most (the stream's own
    // buffer took 16 before: 2.2 GB for these 2,000).
    expect(Math.max(first.open, second.open) - before).toBeLessThan(100);
    // Nothing of the streams stays: a second round ends where the first did, and near the start.
    expect(second.after - first.after).toBeLessThan(4);
    expect(second.after - before).toBeLessThan(16);
  });
});

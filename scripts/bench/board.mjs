// Benchmark of the board's fan-out: one `meetuphype board` following `meetuphype run`
// (fed on standard input, so the bench decides when the ranking changes), with
// BENCH_VIEWERS (default 5,000) server-sent-event viewers opened from this process and
// 50 more that never read. Per ranking change: the time from the upstream's snapshot
// (seen by a WatchTrending client here, as the board sees it) to the first and the last
// viewer; the board's RSS before and after. Prints figures; asserts nothing.
import http from "node:http";
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer } from "node:net";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js");

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Synthetic-looking RSVP lines whose one topic changes per round, so that each round is a new ranking. */
let id = 1_900_000_000;
let mtime = Date.UTC(2024, 4, 1);
function lines(topic, n) {
  return Array.from({ length: n }, () => {
    mtime += 1000;
    id++;
    return JSON.stringify({
      rsvp_id: id,
      mtime,
      response: "yes",
      guests: 0,
      visibility: "public",
      member: { member_id: id, member_name: `Member ${id}` },
      event: { event_id: `e${id}`, event_name: "Bench", time: mtime + 86_400_000 },
      group: { group_id: 1, group_name: "Bench", group_topics: [{ urlkey: topic, topic_name: topic }] },
    });
  }).join("\n");
}

/** Opens an SSE viewer; `onSnapshot(asOfMs)` for each snapshot event. `stuck`: never reads. */
function viewer(port, onSnapshot, stuck = false) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/api/stream", agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`viewer: HTTP ${res.statusCode}`));
      if (stuck) {
        res.socket.pause();
        return resolve(req);
      }
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (frame.startsWith("event: snapshot")) onSnapshot(Number(/"asOfMs":(\d+)/.exec(frame)?.[1] ?? 0));
        }
      });
      resolve(req);
    });
    req.on("error", reject);
  });
}

/**
 * `meetuphype run` reading standard input (`upstreamArgs` added) and a `meetuphype board`
 * following it; resolves once the board is ready. `warmup` lines go in first.
 */
async function startPair(cli, warmup, upstreamArgs = []) {
  const [grpcPort, httpPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const run = ["run", "--input", "-", "--no-progress", "--grpc-port", String(grpcPort), "--grpc-host", "127.0.0.1"];
  const upstream = spawn(
    process.execPath,
    [cli, ...run, "--http-port", "0", "--emit-interval-ms", "50", "--log-level", "warn", ...upstreamArgs],
    {
      stdio: ["pipe", "ignore", "inherit"],
    },
  );
  upstream.stdin.write(`${warmup}\n`);
  const boardArgs = ["board", "--addr", `127.0.0.1:${grpcPort}`, "--http-port", String(httpPort), "--http-host", "127.0.0.1"];
  const board = spawn(process.execPath, [cli, ...boardArgs, "--health-port", String(healthPort), "--log-level", "error"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => {
    board.kill("SIGTERM");
    upstream.kill("SIGTERM");
  };
  for (
    let i = 0;
    !(await fetch(`http://127.0.0.1:${healthPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 300) {
      stop();
      throw new Error("the board did not become ready");
    }
    await sleep(100);
  }
  return { upstream, board, grpcPort, httpPort, healthPort, stop };
}

export async function benchBoard({ cli, viewers = Number(process.env.BENCH_VIEWERS ?? 5000), rounds = 20 }) {
  const { upstream, board, grpcPort, httpPort, stop } = await startPair(cli, lines("warmup", 50));
  try {
    let target = -1;
    const arrivals = [];
    const onSnapshot = (asOfMs) => {
      if (asOfMs === target) arrivals.push(performance.now());
    };
    const rssIdle = rssMiB(board.pid);
    const opened = performance.now();
    for (let i = 0; i < viewers; i += 250)
      await Promise.all(Array.from({ length: Math.min(250, viewers - i) }, () => viewer(httpPort, onSnapshot)));
    const stuck = await Promise.all(Array.from({ length: 50 }, () => viewer(httpPort, () => undefined, true)));
    const openMs = performance.now() - opened;
    await sleep(1000);
    const rssOpen = rssMiB(board.pid);

    // A WatchTrending client here: when it has a snapshot, so (within a millisecond) has the board.
    const { TrendingServiceClient } = await import("@meetuphype/proto");
    const client = new TrendingServiceClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    let upstreamAt = new Map();
    const call = client.watchTrending({ limit: 0 });
    call.on("data", (s) => upstreamAt.set(s.asOfMs, performance.now()));
    call.on("error", () => undefined);
    await sleep(500);

    const lastMs = [];
    const firstMs = [];
    for (let r = 0; r < rounds; r++) {
      arrivals.length = 0;
      upstreamAt = new Map();
      upstream.stdin.write(`${lines(`topic-${r}`, 30 + r)}\n`);
      // The round's ranking is at the clock of its last line.
      target = mtime;
      for (let w = 0; w < 200 && arrivals.length < viewers; w++) await sleep(25);
      const t0 = upstreamAt.get(target);
      if (t0 !== undefined && arrivals.length > 0) {
        firstMs.push(Math.min(...arrivals) - t0);
        lastMs.push(Math.max(...arrivals) - t0);
      }
      if (arrivals.length < viewers) console.error(`  round ${r}: ${arrivals.length} of ${viewers} viewers got the ranking at ${target}`);
      await sleep(100);
    }
    const rssAfter = rssMiB(board.pid);
    call.cancel();
    client.close();
    for (const s of stuck) s.destroy();
    const slow = await slowViewers(cli);
    return [
      ["viewers (SSE) + stuck viewers", `${viewers} + 50`, `opened in ${(openMs / 1000).toFixed(1)} s`],
      [
        "snapshot → first viewer p50/p95",
        `${pct(firstMs, 50)?.toFixed(1)} / ${pct(firstMs, 95)?.toFixed(1)} ms`,
        `${firstMs.length} rounds`,
      ],
      [
        "snapshot → last viewer p50/p95",
        `${pct(lastMs, 50)?.toFixed(1)} / ${pct(lastMs, 95)?.toFixed(1)} ms`,
        "every viewer has the new ranking",
      ],
      ...slow,
      [
        "board RSS idle / open / after",
        `${rssIdle.toFixed(0)} / ${rssOpen.toFixed(0)} / ${rssAfter.toFixed(0)} MiB`,
        "no viewers, 5,050 open, after the rounds",
      ],
    ];
  } finally {
    stop();
  }
}

/**
 * Slow viewers: a board whose rankings are large (top 1,000, about 100 KB each) with 50
 * viewers that never read and one that does, through 300 rankings: far more than the
 * stuck sockets hold. The reading viewer gets them all; the board's memory stays flat.
 */
async function slowViewers(cli) {
  const { upstream, board, httpPort, healthPort, stop } = await startPair(
    cli,
    Array.from({ length: 1000 }, (_, t) => lines(`wide-topic-${t}`, 1)).join("\n"),
    ["--top-n", "1000"],
  );
  try {
    let got = 0;
    await viewer(httpPort, () => got++);
    const stuck = await Promise.all(Array.from({ length: 50 }, () => viewer(httpPort, () => undefined, true)));
    await sleep(500);
    const before = rssMiB(board.pid);
    const rounds = 300;
    got = 0;
    for (let r = 0; r < rounds; r++) {
      upstream.stdin.write(`${lines(`wide-round-${r}`, 3)}\n`);
      await sleep(60);
    }
    await sleep(2500);
    const after = rssMiB(board.pid);
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    const replaced = /^meetuphype_board_events_replaced_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? "?";
    for (const s of stuck) s.destroy();
    return [
      ["slow viewers: 50 stuck + 1 reading", `${got} rankings read`, `${rounds} rounds of a top-1000 ranking (~100 KB each)`],
      [
        "  board RSS before / after",
        `${before.toFixed(0)} / ${after.toFixed(0)} MiB`,
        `rankings the stuck viewers never got (replaced): ${replaced}`,
      ],
    ];
  } finally {
    stop();
  }
}

/// <reference lib="dom" />
/**
 * The board as users meet it: `meetuphype board` following `meetuphype run` (fed line
 * by line on standard input, over a few hours of the trending clock), its JSON and event
 * stream, and the page in a real headless Chromium (puppeteer-core): it shows the same top
 * topics as GetTrending with sparklines on a fixed 3-hour axis, rank moves over the chosen
 * span, the rising view, the score explained and links to Meetup; it fits a phone, runs
 * under its CSP without errors, and speaks to viewers in words ("Waiting for the ranking…",
 * "Reconnecting…") while the technical reason goes to /api/stream's `upstream` event.
 */
import { writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { HistoryPoint } from "@meetuphype/core";
import { getTrending, getTrendingHistory, trendingClient } from "@meetuphype/grpc";
import { SyntheticSource } from "@meetuphype/pipeline";
import { eventually, exited, findChromium, freePort, maxMtime, startCli, waitForReady } from "@meetuphype/testkit";
import { changeText, rankChanges, referencePoint } from "../page/movement.js";

type Child = ReturnType<typeof startCli>;
const children: Child[] = [];
let grpcPort = 0;
let upstream: Child;
let board: { child: Child; http: number; health: number };
// One record every 10 s of the trending clock: the feed spans a few hours, so the sparklines fill their 3-hour axis.
const source = new SyntheticSource({ seed: 11, rate: 0.1 });

/** `meetuphype run` reading standard input, serving TrendingService on grpcPort. */
function startUpstream(): Child {
  const c = startCli(
    [
      "run",
      "--input",
      "-",
      "--no-progress",
      "--grpc-port",
      String(grpcPort),
      "--grpc-host",
      "127.0.0.1",
      "--http-port",
      "0",
      "--emit-interval-ms",
      "100",
    ],
    {},
    { stdin: true },
  );
  children.push(c);
  return c;
}

async function startBoard(addr = `127.0.0.1:${grpcPort}`): Promise<{ child: Child; http: number; health: number }> {
  const [http, health] = [await freePort(), await freePort()];
  const child = startCli([
    "board",
    "--addr",
    addr,
    "--http-port",
    String(http),
    "--http-host",
    "127.0.0.1",
    "--health-port",
    String(health),
  ]);
  children.push(child);
  return { child, http, health };
}

/** Feeds `n` synthetic lines in `chunks` steps, each ranked before the next, so that the ranking moves through several minutes of its clock. */
async function feed(to: ChildProcess, n: number, chunks: number): Promise<void> {
  const client = trendingClient(`127.0.0.1:${grpcPort}`);
  try {
    for (let c = 0; c < chunks; c++) {
      const lines = Array.from({ length: Math.ceil(n / chunks) }, () => source.next());
      to.stdin?.write(`${lines.join("\n")}\n`);
      const until = maxMtime(lines);
      await eventually("the upstream to rank the chunk", async () => {
        const s = await getTrending(client, 1).catch((e: unknown) => String(e));
        return typeof s !== "string" && s.asOfMs >= until ? true : `not yet at ${until}`;
      });
    }
  } finally {
    client.close();
  }
}

/** `n` fresh "yes" RSVPs of one new topic, a second apart from the source's clock on: it goes to the top within minutes. */
function surge(n: number): string {
  const out: string[] = [];
  const from = source.time;
  while (out.length < n) {
    let r: { response: string; mtime: number; group?: { group_topics: { urlkey: string; topic_name: string }[] } };
    try {
      r = JSON.parse(source.next()) as typeof r;
    } catch {
      continue; // the synthetic source writes some malformed lines on purpose
    }
    if (r.group === undefined) continue;
    r.response = "yes";
    r.mtime = from + (out.length + 1) * 1000;
    r.group.group_topics = [{ urlkey: "board-surge", topic_name: "Board Surge" }];
    out.push(JSON.stringify(r));
  }
  return out.join("\n");
}

const get = (port: number, path: string): Promise<Response> => fetch(`http://127.0.0.1:${port}${path}`);
const served = async (): Promise<string[]> => {
  const client = trendingClient(`127.0.0.1:${grpcPort}`);
  try {
    return (await getTrending(client, 0)).topics.map((t) => t.key);
  } finally {
    client.close();
  }
};

beforeAll(async () => {
  grpcPort = await freePort();
  board = await startBoard(); // before its upstream: it is alive, waits, and is not ready
  await eventually("the board's health listener", async () =>
    (await get(board.health, "/healthz").catch(() => undefined))?.ok ? true : "not up",
  );
  expect((await get(board.health, "/readyz")).status).toBe(503);
  upstream = startUpstream();
  await feed(upstream, 1500, 30);
  await waitForReady(board.health, 60_000, "the board");
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => exited(c)));
});

describe("the board's HTTP API", () => {
  it("serves GetTrending's ranking as JSON, the history, and events, with security headers", async () => {
    await eventually("the board to hold GetTrending's ranking", async () => {
      const json = (await (await get(board.http, "/api/trending")).json()) as { topics: { key: string }[] };
      const want = await served();
      return JSON.stringify(json.topics.map((t) => t.key)) === JSON.stringify(want) ? true : "not yet the same";
    });
    const res = await get(board.http, "/api/trending");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      "asOfMs",
      "catchingUp",
      "cut",
      "parameters",
      "pendingMessages",
      "recordsBehind",
      "stale",
      "topics",
    ]);

    const page = await get(board.http, "/");
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'; style-src 'self'/);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await page.text()).not.toMatch(/<script>|style=|https?:\/\/(?!www\.w3\.org)/);

    const history = (await (await get(board.http, "/api/history")).json()) as { resolutionMs: number; points: unknown[] };
    expect(history.resolutionMs).toBe(60_000);
    expect(history.points.length).toBeGreaterThan(3);

    const stream = await get(board.http, "/api/stream");
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/^event: upstream\ndata: \{"connected":true/);
    expect((await get(board.http, "/nope")).status).toBe(404);
    const head = await fetch(`http://127.0.0.1:${board.http}/api/stream`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toMatch(/^text\/event-stream/);
  });

  it("gives a new board replica the upstream's history at once", async () => {
    const client = trendingClient(`127.0.0.1:${grpcPort}`);
    const upstreamHistory = await getTrendingHistory(client).finally(() => client.close());
    const second = await startBoard();
    await waitForReady(second.health, 30_000, "a second board");
    const h = (await (await get(second.http, "/api/history")).json()) as { points: { asOfMs: number }[] };
    expect(h.points.map((p) => p.asOfMs).slice(0, upstreamHistory.points.length)).toEqual(upstreamHistory.points.map((p) => p.asOfMs));
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});

const chromium = findChromium();

describe.skipIf(chromium === undefined)(
  `the page, in headless Chromium${chromium === undefined ? " (skipped: no chromium; CI installs it)" : ""}`,
  () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const technical = /127\.0\.0\.1|ECONNREFUSED|grpc|upstream|Resolution note/i;

    beforeAll(async () => {
      browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
      page = await browser.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(String(e)));
      await page.setViewport({ width: 1000, height: 900 });
      await page.goto(`http://127.0.0.1:${board.http}/`);
    });

    afterAll(async () => {
      await browser?.close();
    });

    const shownKeys = (): Promise<string[]> => page.$$eval("#rows tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.key ?? ""));
    const shownMoves = (): Promise<string[]> => page.$$eval("#rows td.change", (cells) => cells.map((c) => c.textContent ?? ""));
    const status = (): Promise<string> => page.$eval("body", (b) => (b as HTMLElement).dataset.status ?? "");
    /** Each row's sparkline path: its first and last x on the 120-wide axis. */
    const sparkEnds = (): Promise<{ first: number; last: number }[]> =>
      page.$$eval(".spark path", (ps) =>
        ps.map((p) => {
          const xs = [...(p.getAttribute("d") ?? "").matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
          return { first: xs[0] ?? NaN, last: xs[xs.length - 1] ?? NaN };
        }),
      );
    const history = async (): Promise<HistoryPoint[]> =>
      ((await (await get(board.http, "/api/history")).json()) as { points: HistoryPoint[] }).points;

    it("shows the same top topics as GetTrending, live, with sparklines on a 3-hour axis ending now", async () => {
      await page.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0);
      expect(await shownKeys()).toEqual(await served());
      expect(await status()).toBe("live");
      expect(await page.$eval("#status", (e) => e.textContent)).toBe("Live");
      // Every ranked topic's line ends at the right edge, now; the history came from /api/history, before the page opened.
      const ends = await sparkEnds();
      expect(ends.every((e) => e.last === 120)).toBe(true);
      // The oldest point kept is within 3 hours of now: the topics it ranked start where it sits on the axis.
      const oldest = (await history())[0]!;
      const { asOfMs } = (await (await get(board.http, "/api/trending")).json()) as { asOfMs: number };
      const minute = (ms: number): number => Math.floor(ms / 60_000);
      const x = Math.round(((minute(oldest.asOfMs) - (minute(asOfMs) - 179)) * 120 * 10) / 179) / 10;
      expect(x).toBeLessThan(30); // the history spans most of the axis
      expect(Math.min(...ends.map((e) => e.first))).toBe(x);
      expect(await page.$eval("#params", (e) => e.textContent)).toMatch(/^top 20 · window 1 d · decay 1 · idle 70 min · event clock$/);
      expect(await page.$eval("#explain", (e) => e.textContent)).toMatch(/divided by its age in hours plus one/);
      const link = await page.$eval("#rows tr th a", (a) => a.href);
      expect(link).toBe(`https://www.meetup.com/topics/${(await shownKeys())[0]}/`);
      // Screenshots of the run's own ranking (before the test topic surges): the page and a phone's view of it.
      if (process.env.BOARD_SCREENSHOT !== undefined) {
        writeFileSync(process.env.BOARD_SCREENSHOT, await page.screenshot({ fullPage: true }));
        const phone = await browser.newPage();
        await phone.setViewport({ width: 390, height: 844, isMobile: true });
        await phone.goto(`http://127.0.0.1:${board.http}/`);
        await phone.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0);
        writeFileSync(process.env.BOARD_SCREENSHOT.replace(/\.png$/, "-phone.png"), await phone.screenshot());
        await phone.close();
      }
    });

    it("moves each topic by its rank change over the chosen span, from the history", async () => {
      for (const span of [
        { id: "1h", ms: 3_600_000, label: "1 h" },
        { id: "10m", ms: 600_000, label: "10 min" },
      ]) {
        await page.click(`button[data-span="${span.id}"]`);
        const trending = (await (await get(board.http, "/api/trending")).json()) as {
          asOfMs: number;
          topics: { rank: number; key: string; name: string; score: number }[];
        };
        const ref = referencePoint(await history(), trending.asOfMs, span.ms);
        expect(ref?.partial).toBe(false);
        const changes = rankChanges(ref?.point.topics, trending.topics);
        const want = trending.topics.map((t) => changeText(changes.get(t.key)!, span.label).symbol);
        expect(await shownMoves()).toEqual(want);
        if (span.id === "1h") expect(want.some((m) => m !== "=")).toBe(true); // over an hour, the ranking moved
      }
      await page.click(`button[data-span="1h"]`);
    });

    it("puts a surging newcomer on top as new, with a line only at the right edge, and first in the rising view", async () => {
      upstream.stdin?.write(`${surge(600)}\n`);
      // Not ranked an hour ago: "new" on every ranking of the surge (600 records over 10 minutes of the clock).
      await page.waitForFunction(
        () => {
          const top = document.querySelector("#rows tr");
          return top?.getAttribute("data-key") === "board-surge" && top.querySelector(".change")?.textContent === "new";
        },
        { timeout: 30_000, polling: "mutation" },
      );
      await eventually("the page to equal GetTrending", async () => {
        const [shown, want] = [await shownKeys(), await served()];
        return JSON.stringify(shown) === JSON.stringify(want) ? true : `${shown.join(",")} vs ${want.join(",")}`;
      });
      expect((await sparkEnds())[0]!.first).toBeGreaterThan(100); // on the axis for the last 10 minutes only

      await page.click("#view-rising");
      expect(await page.$eval("body", (b) => (b as HTMLElement).dataset.view)).toBe("rising");
      expect((await shownKeys())[0]).toBe("board-surge");
      expect((await shownMoves())[0]).toMatch(/^\+[\d,.]+$/);
      expect(await page.$eval("#change-head", (e) => e.textContent)).toBe("Growth");
      await page.click("#view-top");
      expect((await shownKeys())[0]).toBe("board-surge");
    });

    it("fits a phone's width without scrolling sideways or wrapping a header", async () => {
      const phone = await browser.newPage();
      await phone.setViewport({ width: 360, height: 740, isMobile: true });
      await phone.goto(`http://127.0.0.1:${board.http}/`);
      await phone.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const lines = await phone.$$eval("thead th", (ths) =>
        ths.map((th) => {
          const r = document.createRange();
          r.selectNodeContents(th);
          return new Set(
            Array.from(r.getClientRects(), (x) => (x.width > 0 ? Math.round(x.top) : undefined)).filter((t) => t !== undefined),
          ).size;
        }),
      );
      expect(lines.every((n) => n <= 1)).toBe(true);
      await phone.close();
    });

    it("says in words that it waits for a ranking when its source is not there, with the reason only in the event stream", async () => {
      const nowhere = await startBoard(`127.0.0.1:${await freePort()}`);
      await eventually("the lonely board's listener", async () =>
        (await get(nowhere.http, "/api/history").catch(() => undefined))?.ok ? true : "not up",
      );
      const lonely = await browser.newPage();
      await lonely.goto(`http://127.0.0.1:${nowhere.http}/`);
      await lonely.waitForFunction(() => document.querySelector("#status")?.textContent === "Waiting for the ranking…");
      expect(await lonely.$eval("body", (b) => b.innerText)).not.toMatch(technical);
      const stream = await get(nowhere.http, "/api/stream");
      const reader = stream.body!.getReader();
      let text = "";
      while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(text).toMatch(/^event: upstream\ndata: \{"connected":false,"since":\d+,"reason":"127\.0\.0\.1:\d+: /);
      await lonely.close();
      nowhere.child.kill("SIGTERM");
      expect(await exited(nowhere.child)).toBe(0);
    });

    it("says Reconnecting… when the board's upstream stops, keeps the last ranking, and is live again when it is back", async () => {
      upstream.kill("SIGTERM");
      await exited(upstream);
      // `run` stopped while its input was open: it says it stops, not that its input finished.
      expect(upstream.output.stderr).toMatch(/stopping/);
      expect(upstream.output.stderr).not.toMatch(/input finished/);
      await page.waitForFunction(() => document.body.dataset.status === "disconnected", { timeout: 30_000 });
      expect(await page.$eval("#status", (e) => e.textContent)).toBe("Reconnecting… The last ranking received stays on screen.");
      expect(await page.$eval("body", (b) => b.innerText)).not.toMatch(technical);
      expect(await shownKeys()).not.toEqual([]); // the last ranking stays on screen
      const ready = await get(board.health, "/readyz");
      expect(ready.status).toBe(503);

      upstream = startUpstream();
      await feed(upstream, 200, 1);
      await page.waitForFunction(() => document.body.dataset.status === "live", { timeout: 60_000 });
      expect(problems, problems.join("\n")).toEqual([]);
      // The board awaited its source at start and lost it later: the log says which, never at error level.
      const log = board.child.output.stderr;
      expect(log.indexOf("waiting for the upstream")).toBeGreaterThanOrEqual(0);
      expect(log.indexOf("waiting for the upstream")).toBeLessThan(log.indexOf("following the upstream"));
      expect(log).toMatch(/the upstream is gone; reconnecting/);
      expect(log).not.toMatch(/^\S+ error |Resolution note: \)/m);
    });
  },
);

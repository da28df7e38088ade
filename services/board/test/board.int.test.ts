/// <reference lib="dom" />
/**
 * The board as users meet it: `meetuphype board` following `meetuphype run` (fed line
 * by line on standard input), its JSON and event stream, and the page in a real headless
 * Chromium (puppeteer-core): it shows the same top topics as GetTrending, updates when
 * the ranking changes, has the recent history from before it opened, fits a phone, runs
 * under its CSP without errors, and says "Disconnected" when the board's upstream stops.
 */
import { writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { getTrending, getTrendingHistory, trendingClient } from "@meetuphype/grpc";
import { SyntheticSource } from "@meetuphype/pipeline";
import { eventually, exited, findChromium, freePort, maxMtime, startCli, waitForReady } from "@meetuphype/testkit";

type Child = ReturnType<typeof startCli>;
const children: Child[] = [];
let grpcPort = 0;
let upstream: Child;
let board: { child: Child; http: number; health: number };
const source = new SyntheticSource({ seed: 11, rate: 0.5 });

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

async function startBoard(): Promise<{ child: Child; http: number; health: number }> {
  const [http, health] = [await freePort(), await freePort()];
  const child = startCli([
    "board",
    "--addr",
    `127.0.0.1:${grpcPort}`,
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

/** `n` fresh "yes" RSVPs of one new topic, at the source's clock: it goes to the top. */
function surge(n: number): string {
  const out: string[] = [];
  while (out.length < n) {
    let r: { response: string; group?: { group_topics: { urlkey: string; topic_name: string }[] } };
    try {
      r = JSON.parse(source.next()) as typeof r;
    } catch {
      continue; // the synthetic source writes some malformed lines on purpose
    }
    if (r.group === undefined) continue;
    r.response = "yes";
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
  await feed(upstream, 1200, 6);
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
    const status = (): Promise<string> => page.$eval("body", (b) => (b as HTMLElement).dataset.status ?? "");

    it("shows the same top topics as GetTrending, live, with sparklines from before it opened", async () => {
      await page.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0);
      expect(await shownKeys()).toEqual(await served());
      expect(await status()).toBe("live");
      expect(await page.$eval("#status", (e) => e.textContent)).toBe("Live");
      // History loaded from /api/history: the lines have more than the one point since the page opened.
      const segments = await page.$$eval(".spark path", (ps) => ps.map((p) => (p.getAttribute("d") ?? "").split(/[ML]/).length - 1));
      expect(Math.max(...segments)).toBeGreaterThan(2);
      expect(await page.$eval("#params", (e) => e.textContent)).toMatch(/^top 20 · window 1 d · decay 1 · idle 70 min · event clock$/);
    });

    it("updates when the ranking changes, and marks the newcomer", async () => {
      upstream.stdin?.write(`${surge(1200)}\n`);
      // The first ranking that puts the newcomer on top marks it (checked at every change of the page:
      // rankings of later cuts of the same surge follow within moments, and show it as staying put).
      await page.waitForFunction(
        () => {
          const top = document.querySelector("#rows tr");
          return top?.getAttribute("data-key") === "board-surge" && /^(new|▲\d+)$/.test(top.querySelector(".change")?.textContent ?? "");
        },
        { timeout: 30_000, polling: "mutation" },
      );
      expect((await shownKeys())[0]).toBe("board-surge");
      await eventually("the page to equal GetTrending", async () => {
        const [shown, want] = [await shownKeys(), await served()];
        return JSON.stringify(shown) === JSON.stringify(want) ? true : `${shown.join(",")} vs ${want.join(",")}`;
      });
      if (process.env.BOARD_SCREENSHOT !== undefined)
        writeFileSync(process.env.BOARD_SCREENSHOT, await page.screenshot({ fullPage: true }));
    });

    it("fits a phone's width without scrolling sideways", async () => {
      const phone = await browser.newPage();
      await phone.setViewport({ width: 360, height: 740, isMobile: true });
      await phone.goto(`http://127.0.0.1:${board.http}/`);
      await phone.waitForFunction(() => document.querySelectorAll("#rows tr").length > 0);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await phone.close();
    });

    it("says it is disconnected when the board's upstream stops, and live again when it is back", async () => {
      upstream.kill("SIGTERM");
      await exited(upstream);
      await page.waitForFunction(() => document.body.dataset.status === "disconnected", { timeout: 30_000 });
      expect(await page.$eval("#status", (e) => e.textContent)).toMatch(
        /^Disconnected: the board lost its ranking source \(127\.0\.0\.1:\d+: /,
      );
      expect(await shownKeys()).not.toEqual([]); // the last ranking stays on screen
      const ready = await get(board.health, "/readyz");
      expect(ready.status).toBe(503);

      upstream = startUpstream();
      await feed(upstream, 200, 1);
      await page.waitForFunction(() => document.body.dataset.status === "live", { timeout: 60_000 });
      expect(problems, problems.join("\n")).toEqual([]);
    });
  },
);

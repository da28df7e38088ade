/**
 * The board's HTTP side (Node's http): the page and its two assets, the ranking as
 * JSON, its recent past, and the event stream. Every answer carries security headers;
 * the page's content security policy allows no inline script or style and nothing
 * from another origin (the page works in a cluster without internet).
 */
import { KnownError } from "@meetuphype/core";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Fanout } from "./fanout.js";
import { sseFrame } from "./fanout.js";
import type { BoardState } from "./state.js";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** services/board/dist/page: the bundle esbuild writes at build time (this file is services/board/{src,dist}/http.*). */
const PAGE_DIR = new URL("../dist/page/", import.meta.url);

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

export class PageMissingError extends KnownError {
  readonly code = "BOARD_PAGE_MISSING";
  readonly retriable = false;
  constructor(cause: unknown) {
    super(`the board's page is not built (${PAGE_DIR.pathname}): run \`npm run build\``, { cause });
  }
}

function loadAssets(): Map<string, Asset> {
  const read = (file: string): Buffer => {
    try {
      return readFileSync(new URL(file, PAGE_DIR));
    } catch (err) {
      throw new PageMissingError(err);
    }
  };
  return new Map([
    ["/", { type: "text/html; charset=utf-8", body: read("index.html") }],
    ["/app.js", { type: "text/javascript; charset=utf-8", body: read("app.js") }],
    ["/style.css", { type: "text/css; charset=utf-8", body: read("style.css") }],
    ["/favicon.svg", { type: "image/svg+xml", body: read("favicon.svg") }],
  ]);
}

function send(res: ServerResponse, code: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(code, { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-cache", ...extra }).end(body);
}

const json = (res: ServerResponse, code: number, data: unknown): void =>
  send(res, code, "application/json; charset=utf-8", `${JSON.stringify(data)}\n`);

export interface BoardServer {
  readonly port: number;
  close(): Promise<void>;
}

export class BoardBindError extends KnownError {
  readonly code = "BOARD_BIND_FAILED";
  readonly retriable = false;
  constructor(address: string, cause: unknown) {
    super(
      `cannot serve the board on ${address}: ${cause instanceof Error ? cause.message : String(cause)} (pick another port with --http-port)`,
      {
        cause,
      },
    );
  }
}

/** Serves the board on host:port (0 = any free port). */
export async function startBoardServer(o: {
  port: number;
  host: string;
  state: BoardState;
  fanout: Fanout;
  keepAliveMs?: number;
}): Promise<BoardServer> {
  const assets = loadAssets();
  const stream = (req: IncomingMessage, res: ServerResponse): void => {
    const viewer = o.fanout.add(res);
    if (viewer === undefined) return json(res, 503, { error: `the board serves ${o.fanout.maxViewers} viewers at most; try again later` });
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    });
    res.socket?.setNoDelay(true);
    viewer.send("upstream", sseFrame("upstream", o.state.upstream));
    if (o.state.snapshot !== undefined) viewer.send("snapshot", sseFrame("snapshot", o.state.snapshot));
    req.on("close", () => o.fanout.remove(viewer));
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "GET only\n", { allow: "GET, HEAD" });
    const asset = assets.get(path === "/index.html" ? "/" : path);
    if (asset !== undefined) return send(res, 200, asset.type, asset.body);
    switch (path) {
      case "/api/trending":
        return o.state.snapshot === undefined
          ? json(res, 503, { error: "no ranking yet", upstream: o.state.upstream })
          : json(res, 200, o.state.snapshot);
      case "/api/history":
        return json(res, 200, o.state.historyJson());
      case "/api/stream":
        // HEAD asks whether the stream is there; only GET opens one.
        return req.method === "HEAD" ? send(res, 200, "text/event-stream; charset=utf-8", "") : stream(req, res);
      default:
        return send(res, 404, "text/plain", "not found\n");
    }
  });
  server.keepAliveTimeout = 65_000;
  const address = `${o.host}:${o.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", (err) => reject(new BoardBindError(address, err)));
    server.listen(o.port, o.host, () => {
      const a = server.address();
      resolve(typeof a === "object" && a !== null ? a.port : o.port);
    });
  });
  const timer = setInterval(() => o.fanout.keepAlive(), o.keepAliveMs ?? 15_000);
  timer.unref();
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import { hostname } from "node:os";
/** The HTTP endpoint of a service: /healthz (alive), /readyz (connected and owning its shards) and /metrics (Prometheus). */
import { createServer, type Server } from "node:http";
import type { Metrics } from "./index.js";

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What /readyz answers: ready or not, why not, and details for people. */
export interface Readiness {
  readonly ready: boolean;
  readonly reason?: string | undefined;
  readonly detail: Record<string, unknown>;
}

export async function startHealthServer(
  at: { readonly port: number; readonly host: string },
  ready: () => Readiness | Promise<Readiness>,
  metrics?: Metrics,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/metrics" && metrics !== undefined) {
      metrics.text().then(
        (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(err)}\n`),
      );
      return;
    }
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (req.url === "/readyz") {
      void Promise.resolve()
        .then(ready)
        .then(
          (r) => {
            const body = { ready: r.ready, ...(r.reason !== undefined ? { reason: r.reason } : {}), ...r.detail };
            res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
          },
          (err: unknown) => {
            res.writeHead(503, { "content-type": "application/json" }).end(`${JSON.stringify({ ready: false, reason: String(err) })}\n`);
          },
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const a = server.address();
  return {
    port: typeof a === "object" && a !== null ? a.port : at.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Where a listener bound to `host` and `port` is reached from elsewhere: this host's name for a wildcard address. */
export function reachableAt(host: string, port: number): string {
  return `${host === "0.0.0.0" || host === "::" || host === "" ? hostname() : host}:${port}`;
}

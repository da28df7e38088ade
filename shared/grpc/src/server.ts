/** The TrendingService gRPC server, with server reflection and the standard health service. */
import { KnownError } from "@meetuphype/core";
import { fileURLToPath } from "node:url";
import { Server } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import { TrendingServiceService } from "@meetuphype/proto";
import { getTrendingHandler } from "./get-trending.js";
import type { ServedParams, SnapshotSource } from "./types.js";
import { watchTrendingHandler, type Watchers } from "./watch-trending.js";
import { quietGrpcLog } from "./grpc-log.js";
import { serverCredentials, type ServerTls } from "./tls.js";
import { getTrendingHistoryHandler, type HistorySource } from "./history.js";

/** proto/ at the repository root (this file is shared/grpc/{src,dist}/server.*). */
export const PROTO_ROOT = fileURLToPath(new URL("../../../proto/", import.meta.url));
/** The health API's descriptor for reflection (shared/grpc/proto). */
export const HEALTH_PROTO_ROOT = fileURLToPath(new URL("../proto/", import.meta.url));
export const TRENDING_SERVICE = "meetuphype.v1.TrendingService";

export interface TrendingServerOptions {
  /** Address to bind. @default "0.0.0.0" */
  readonly host?: string;
  /** Port to bind; 0 picks a free one. */
  readonly port: number;
  readonly source: SnapshotSource;
  readonly params: ServedParams;
  /** TLS (and mutual TLS with a client CA); plaintext when absent. */
  readonly tls?: ServerTls | undefined;
  /** The ranking's recent past for GetTrendingHistory; none (an empty history) when absent. */
  readonly history?: HistorySource;
}

export interface TrendingServer {
  /** The port actually bound. */
  readonly port: number;
  /**
   * Sets the health status of TrendingService (readiness: is the ranking current?). The
   * server's own status ("") stays SERVING while it runs (liveness), NOT_SERVING once closing.
   */
  setServing(serving: boolean): void;
  /** Open WatchTrending streams. */
  watching(): number;
  /** Ends open watches, then stops within `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export class BindError extends KnownError {
  readonly code = "GRPC_BIND_FAILED";
  readonly retriable = false;
  constructor(address: string, cause: unknown) {
    super(
      `cannot listen for gRPC on ${address}: ${cause instanceof Error ? cause.message : String(cause)} (is the port in use? pick another with --grpc-port)`,
      { cause },
    );
  }
}

export async function startTrendingServer(opts: TrendingServerOptions): Promise<TrendingServer> {
  quietGrpcLog();
  const server = new Server();
  const watchers: Watchers = { active: new Set() };
  server.addService(TrendingServiceService, {
    getTrending: getTrendingHandler(opts.source, opts.params),
    watchTrending: watchTrendingHandler(opts.source, opts.params, watchers),
    getTrendingHistory: getTrendingHistoryHandler(opts.history),
  });
  const health = new HealthImplementation({ "": "NOT_SERVING", [TRENDING_SERVICE]: "NOT_SERVING" });
  health.addToServer(server);
  // keepCase: reflection describes the fields by their proto names (as_of_ms), as in trending.proto.
  const descriptors = loadSync(["meetuphype/v1/trending.proto", "grpc/health/v1/health.proto"], {
    keepCase: true,
    includeDirs: [PROTO_ROOT, HEALTH_PROTO_ROOT],
  });
  new ReflectionService(descriptors).addToServer(server);

  const address = `${opts.host ?? "0.0.0.0"}:${opts.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, serverCredentials(opts.tls), (err, p) => (err === null ? resolve(p) : reject(new BindError(address, err))));
  });
  const setServing = (serving: boolean): void => {
    health.setStatus(TRENDING_SERVICE, serving ? "SERVING" : "NOT_SERVING");
  };
  health.setStatus("", "SERVING");
  setServing(true);
  return {
    port,
    setServing,
    watching: () => watchers.active.size,
    close: async (graceMs = 2000) => {
      setServing(false);
      health.setStatus("", "NOT_SERVING");
      for (const call of watchers.active) call.end();
      watchers.active.clear();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

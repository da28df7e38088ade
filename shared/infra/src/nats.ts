/** A local nats-server with JetStream. Installs it from Debian when missing and allowed. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { connect, type ConnectionOptions } from "nats";
import { NotReadyError, waitUntil } from "./wait.js";

export interface NatsOptions {
  readonly dir: string;
  readonly port: number;
  /** TLS required and user logins, for tests of the clients' security. */
  readonly secure?: SecureNats;
  /** More configuration lines (an operator and its accounts). */
  readonly conf?: string;
  /** One server of a JetStream cluster (cluster.ts). */
  readonly cluster?: NatsClusterNode;
}

export interface NatsClusterNode {
  readonly clusterName: string;
  readonly serverName: string;
  /** This server's route port, and every server's (its own among them is ignored by nats-server). */
  readonly routePort: number;
  readonly routePorts: readonly number[];
}

const clusterConf = (c: NatsClusterNode): string =>
  `server_name: ${JSON.stringify(c.serverName)}\ncluster {\n  name: ${JSON.stringify(c.clusterName)}\n  listen: 127.0.0.1:${c.routePort}\n` +
  `  routes: [\n${c.routePorts.map((p) => `    nats-route://127.0.0.1:${p}`).join("\n")}\n  ]\n}\n`;

export interface SecureNats {
  /** PEM certificate chain and private key of the server. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA that signed certFile: the readiness probe trusts it. */
  readonly caFile: string;
  readonly users: readonly { readonly user: string; readonly password: string }[];
}

/** How the readiness probe logs in to a secured server: its first user, over TLS. */
export function probeLogin(s: SecureNats | undefined): Partial<ConnectionOptions> | undefined {
  const u = s?.users[0];
  if (s === undefined || u === undefined) return undefined;
  return { user: u.user, pass: u.password, tls: { ca: readFileSync(s.caFile, "utf8") } };
}

const secureConf = (s: SecureNats): string =>
  `tls {\n  cert_file: ${JSON.stringify(s.certFile)}\n  key_file: ${JSON.stringify(s.keyFile)}\n}\n` +
  `authorization {\n  users: [\n${s.users.map((u) => `    { user: ${JSON.stringify(u.user)}, password: ${JSON.stringify(u.password)} }`).join("\n")}\n  ]\n}\n`;

function onPath(bin: string): string | undefined {
  for (const d of [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    if (d !== "" && existsSync(join(d, bin))) return join(d, bin);
  }
  return undefined;
}

/** The nats-server binary; on Debian as root, installs it with apt-get when missing. */
export function ensureNatsServer(log: (l: string) => void = () => undefined): string {
  const found = onPath("nats-server");
  if (found !== undefined) return found;
  const debianRoot = existsSync("/etc/debian_version") && process.getuid?.() === 0;
  if (!debianRoot) {
    throw new NotReadyError(
      "nats-server is not on the PATH. Install it (Debian/Ubuntu: apt-get install nats-server; elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation) and try again.",
    );
  }
  log("installing nats-server with apt-get ...");
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "-qq", "nats-server"], {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch (err) {
    throw new NotReadyError("apt-get could not install nats-server; install it by hand and try again", err);
  }
  const installed = onPath("nats-server");
  if (installed === undefined) throw new NotReadyError("nats-server was installed but is not on the PATH");
  return installed;
}

/** Starts nats-server with JetStream, data under `dir`. Does not wait. */
export function spawnNats(o: NatsOptions, detached: boolean, log?: (l: string) => void): ChildProcess {
  const bin = ensureNatsServer(log);
  mkdirSync(join(o.dir, "jetstream"), { recursive: true });
  const conf = join(o.dir, "nats.conf");
  // max_payload above the default 1 MiB: state snapshots travel in chunks, but batches may be large.
  writeFileSync(
    conf,
    `listen: 127.0.0.1:${o.port}\nmax_payload: 8MB\njetstream {\n  store_dir: ${JSON.stringify(join(o.dir, "jetstream"))}\n}\n` +
      (o.secure !== undefined ? secureConf(o.secure) : "") +
      (o.cluster !== undefined ? clusterConf(o.cluster) : "") +
      (o.conf ?? ""),
  );
  const out = openSync(join(o.dir, "nats.log"), "a");
  return spawn(bin, ["-c", conf], { stdio: ["ignore", out, out], detached });
}

/** Resolves when JetStream answers on 127.0.0.1:port. */
export async function waitForNats(
  port: number,
  timeoutMs: number,
  isAlive?: () => boolean,
  login?: Partial<ConnectionOptions>,
): Promise<void> {
  await waitUntil(
    `NATS on 127.0.0.1:${port}`,
    async () => {
      const nc = await connect({ ...login, servers: `127.0.0.1:${port}`, reconnect: false, timeout: 1000 });
      try {
        await (await nc.jetstreamManager()).getAccountInfo();
        return true;
      } finally {
        await nc.close();
      }
    },
    timeoutMs,
    isAlive,
  );
}

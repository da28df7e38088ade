/** Starting and stopping the local Kafka and NATS together (for infra:up and the test harness). */
import type { ChildProcess } from "node:child_process";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { spawnKafka, waitForKafka, type SecureKafkaListener } from "./kafka.js";
import { probeLogin, spawnNats, waitForNats, type SecureNats } from "./nats.js";

export interface LocalInfraOptions {
  /** Folder for data and logs. */
  readonly dir: string;
  /** Jar cache and pom (see kafka.ts). */
  readonly libDir: string;
  readonly pom: string;
  /** Ports; 0 picks free ones. */
  readonly kafkaPort?: number;
  readonly kafkaControllerPort?: number;
  readonly natsPort?: number;
  /** Keep running after this process exits (infra:up). */
  readonly detached?: boolean;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
  /** Secured brokers (tests of TLS and logins): NATS requires both; Kafka gets a SASL_SSL listener besides PLAINTEXT. */
  readonly natsSecure?: SecureNats;
  readonly kafkaSecure?: Omit<SecureKafkaListener, "port">;
}

export interface LocalInfra {
  readonly kafkaBrokers: string;
  /** The SASL_SSL listener, with `kafkaSecure`. */
  readonly kafkaSecureBrokers?: string;
  readonly natsUrl: string;
  readonly pids: { kafka: number; nats: number };
  /** The two servers as processes that fault tests may stall, kill and restart (same ports, same data). */
  readonly kafka: ServerProcess;
  readonly nats: ServerProcess;
  stop(): Promise<void>;
}

/**
 * A broker process that can be stalled (SIGSTOP/SIGCONT), killed and started
 * again on the same port with the same data: what the fault tests do to it.
 */
export class ServerProcess {
  private current: ChildProcess;

  constructor(
    private readonly spawnIt: () => ChildProcess,
    private readonly waitReady: (isAlive: () => boolean) => Promise<void>,
  ) {
    this.current = spawnIt();
  }

  get child(): ChildProcess {
    return this.current;
  }

  ready(): Promise<void> {
    return this.waitReady(alive(this.current));
  }

  /** Freezes the process: its sockets stay open and nothing answers. */
  stall(): void {
    this.current.kill("SIGSTOP");
  }

  resume(): void {
    this.current.kill("SIGCONT");
  }

  /** Stops it (SIGTERM, or SIGKILL for a crash), waits `downMs`, starts it again and waits until it answers. */
  async restart(o: { crash?: boolean; downMs?: number } = {}): Promise<void> {
    if (o.crash === true) {
      this.current.kill("SIGCONT");
      this.current.kill("SIGKILL");
      await exitOf(this.current);
    } else await stopChild(this.current);
    if ((o.downMs ?? 0) > 0) await new Promise((r) => setTimeout(r, o.downMs));
    this.current = this.spawnIt();
    await this.ready();
  }

  stop(): Promise<void> {
    this.current.kill("SIGCONT");
    return stopChild(this.current);
  }
}

/**
 * `n` distinct TCP ports that were free a moment ago on 127.0.0.1: all are held open together
 * before any is given back, so two picks in a row cannot return the same port.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once("error", reject);
          srv.listen(0, "127.0.0.1", () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((srv) => (srv.address() as AddressInfo).port);
  await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  return ports;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port ?? 0;
}

const alive = (c: ChildProcess) => () => c.exitCode === null && c.signalCode === null;

const exitOf = (c: ChildProcess): Promise<void> =>
  alive(c)() ? new Promise<void>((resolve) => c.once("exit", () => resolve())) : Promise.resolve();

async function stopChild(c: ChildProcess): Promise<void> {
  if (!alive(c)()) return;
  const exited = exitOf(c);
  c.kill("SIGTERM");
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startLocalInfra(o: LocalInfraOptions): Promise<LocalInfra> {
  // Every port not given is picked at once, so they differ from each other (once, a Kafka found
  // another of its ports already taken and the test setup failed).
  const picked = await freePorts(4);
  const kafkaPort = o.kafkaPort || (picked[0] ?? 0);
  const controllerPort = o.kafkaControllerPort || (picked[1] ?? 0);
  const natsPort = o.natsPort || (picked[2] ?? 0);
  const securePort = o.kafkaSecure !== undefined ? (picked[3] ?? 0) : 0;
  const timeout = o.timeoutMs ?? 120_000;
  const natsSecure = o.natsSecure !== undefined ? { secure: o.natsSecure } : {};
  const kafkaSecure = o.kafkaSecure !== undefined ? { secure: { ...o.kafkaSecure, port: securePort } } : {};
  const nats = new ServerProcess(
    () => spawnNats({ dir: join(o.dir, "nats"), port: natsPort, ...natsSecure }, o.detached ?? false, o.log),
    (isAlive) => waitForNats(natsPort, timeout, isAlive, probeLogin(o.natsSecure)),
  );
  const kafka = new ServerProcess(
    () =>
      spawnKafka(
        {
          dir: join(o.dir, "kafka"),
          port: kafkaPort,
          controllerPort,
          libDir: o.libDir,
          pom: o.pom,
          ...(o.log ? { log: o.log } : {}),
          ...kafkaSecure,
        },
        o.detached ?? false,
      ),
    (isAlive) => waitForKafka(kafkaPort, timeout, isAlive),
  );
  const stop = async (): Promise<void> => {
    await Promise.all([kafka.stop(), nats.stop()]);
  };
  try {
    await Promise.all([nats.ready(), kafka.ready()]);
  } catch (err) {
    await stop();
    throw err;
  }
  if (o.detached) {
    kafka.child.unref();
    nats.child.unref();
  }
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    ...(o.kafkaSecure !== undefined ? { kafkaSecureBrokers: `127.0.0.1:${securePort}` } : {}),
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    pids: { kafka: kafka.child.pid ?? 0, nats: nats.child.pid ?? 0 },
    kafka,
    nats,
    stop,
  };
}

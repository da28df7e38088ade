/** Starting and stopping the local Kafka and NATS together (for infra:up and the test harness). */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { spawnKafka, waitForKafka } from "./kafka.js";
import { spawnNats, waitForNats } from "./nats.js";

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
}

export interface LocalInfra {
  readonly kafkaBrokers: string;
  readonly natsUrl: string;
  readonly pids: { kafka: number; nats: number };
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const alive = (c: ChildProcess) => () => c.exitCode === null && c.signalCode === null;

async function stopChild(c: ChildProcess): Promise<void> {
  if (!alive(c)()) return;
  const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
  c.kill("SIGTERM");
  const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startLocalInfra(o: LocalInfraOptions): Promise<LocalInfra> {
  const kafkaPort = o.kafkaPort || (await freePort());
  const controllerPort = o.kafkaControllerPort || (await freePort());
  const natsPort = o.natsPort || (await freePort());
  const timeout = o.timeoutMs ?? 120_000;
  const nats = spawnNats({ dir: join(o.dir, "nats"), port: natsPort }, o.detached ?? false, o.log);
  const kafka = spawnKafka(
    { dir: join(o.dir, "kafka"), port: kafkaPort, controllerPort, libDir: o.libDir, pom: o.pom, ...(o.log ? { log: o.log } : {}) },
    o.detached ?? false,
  );
  const stop = async (): Promise<void> => {
    await Promise.all([stopChild(kafka), stopChild(nats)]);
  };
  try {
    await Promise.all([waitForNats(natsPort, timeout, alive(nats)), waitForKafka(kafkaPort, timeout, alive(kafka))]);
  } catch (err) {
    await stop();
    throw err;
  }
  if (o.detached) {
    kafka.unref();
    nats.unref();
  }
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    pids: { kafka: kafka.pid ?? 0, nats: nats.pid ?? 0 },
    stop,
  };
}

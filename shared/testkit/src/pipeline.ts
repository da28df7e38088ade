/** A whole distributed pipeline as separate `meetuphype` processes, for end-to-end tests. */
import { getTrending, trendingClient, type ServedSnapshot } from "@meetuphype/grpc";
import { rankingDifferences } from "./compare.js";
import { logTail } from "./log-tail.js";
import { eventually, exited, freePort, runCli, startCli, waitForReady, type CliResult } from "./process.js";
import type { ModelResult } from "./reference-model.js";

export type ServiceKind = "ingest" | "dedup" | "counter" | "aggregator";

export interface TestPipelineOptions {
  readonly kafkaBrokers: string;
  readonly natsUrl: string;
  /** NAME_PREFIX and Kafka topic: unique per test. */
  readonly prefix: string;
  readonly ingests?: number;
  readonly dedups?: number;
  readonly counters?: number;
  /** Extra flags for every service (trending parameters). */
  readonly flags?: readonly string[];
  /** LOG_LEVEL of the services. @default "warn" */
  readonly logLevel?: string;
  /** More environment for every service and the producer (brokers' logins and TLS). */
  readonly env?: Readonly<Record<string, string>>;
}

type Child = ReturnType<typeof startCli>;

export class TestPipeline {
  readonly replicas = new Map<ServiceKind, Child[]>();
  /** Replicas stopped or killed, with when they ended (their logs stay readable). */
  private readonly retired: { kind: ServiceKind; child: Child; endedAt: number }[] = [];
  grpcAddr = "";
  private grpcPort = 0;
  private readonly healthPorts = new Map<Child, number>();

  private constructor(private readonly o: TestPipelineOptions) {}

  get env(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.o.kafkaBrokers,
      NATS_URL: this.o.natsUrl,
      NAME_PREFIX: this.o.prefix,
      KAFKA_TOPIC: this.o.prefix,
      LOG_LEVEL: this.o.logLevel ?? "warn",
      ...this.o.env,
    };
  }

  static async start(o: TestPipelineOptions): Promise<TestPipeline> {
    const p = new TestPipeline(o);
    p.grpcPort = await freePort();
    p.grpcAddr = `127.0.0.1:${p.grpcPort}`;
    p.startAggregator();
    const starts: Promise<Child>[] = [];
    for (let i = 0; i < (o.counters ?? 1); i++) starts.push(p.add("counter"));
    for (let i = 0; i < (o.dedups ?? 1); i++) starts.push(p.add("dedup"));
    for (let i = 0; i < (o.ingests ?? 1); i++) starts.push(p.add("ingest"));
    await Promise.all(starts);
    return p;
  }

  /** Starts the aggregator (again, after a kill) on the pipeline's gRPC port. */
  startAggregator(): Child {
    const agg = startCli(
      [
        "aggregator",
        "--grpc-port",
        String(this.grpcPort),
        "--grpc-host",
        "127.0.0.1",
        "--emit-interval-ms",
        "200",
        "--health-port",
        "0",
        ...(this.o.flags ?? []),
      ],
      this.env,
    );
    this.replicas.set("aggregator", [...(this.replicas.get("aggregator") ?? []), agg]);
    return agg;
  }

  /** Starts one more replica and waits until it is ready (it owns its shards, or joined the group). */
  async add(kind: Exclude<ServiceKind, "aggregator">): Promise<Child> {
    const { child, ready } = await this.spawn(kind);
    await ready;
    return child;
  }

  /** Starts one more replica without waiting; `ready` resolves when it is. */
  async spawn(kind: Exclude<ServiceKind, "aggregator">): Promise<{ child: Child; ready: Promise<void> }> {
    const port = await freePort();
    const child = startCli([kind, "--health-port", String(port), ...(this.o.flags ?? [])], this.env);
    this.healthPorts.set(child, port);
    this.replicas.set(kind, [...(this.replicas.get(kind) ?? []), child]);
    // A replica that never gets ready says why: its exit, and the end of its log.
    const ready = waitForReady(port, 90_000, `${kind} replica`).catch((err: unknown) => {
      const exit = child.exitCode !== null || child.signalCode !== null ? `exited ${child.signalCode ?? child.exitCode}` : "still running";
      throw new Error(`${err instanceof Error ? err.message : String(err)} (${exit}); its log ends:\n${logTail(child.output.stderr, 40)}`);
    });
    ready.catch(() => undefined); // a replica killed before it was ready: only a caller that awaits it cares
    return { child, ready };
  }

  /** Resolves when every running replica of `kind` is ready. */
  async allReady(kind: Exclude<ServiceKind, "aggregator">): Promise<void> {
    await Promise.all(
      (this.replicas.get(kind) ?? []).map((_, i) => waitForReady(this.healthPort(kind, i), 90_000, `${kind} replica ${i}`)),
    );
  }

  /** Resolves once the served ranking is non-empty: records flow through every stage; the replicas' logs on failure. */
  async waitForRanking(timeoutMs = 60_000): Promise<void> {
    const client = trendingClient(this.grpcAddr);
    try {
      await eventually(
        "records to flow",
        async () => {
          const s = await getTrending(client, 1).catch((e: unknown) => String(e));
          return typeof s !== "string" && s.topics.length > 0 ? true : typeof s === "string" ? s : "no ranking yet";
        },
        timeoutMs,
      ).catch((err: unknown) => {
        throw this.withLogs(err);
      });
    } finally {
      client.close();
    }
  }

  /** The health port (/healthz, /readyz) of a running replica. */
  healthPort(kind: Exclude<ServiceKind, "aggregator">, index = 0): number {
    const child = this.replicas.get(kind)?.[index];
    const port = child === undefined ? undefined : this.healthPorts.get(child);
    if (port === undefined) throw new Error(`no ${kind} replica ${index}`);
    return port;
  }

  /** Stops a replica with SIGTERM (graceful hand-over); resolves with its exit code. */
  async stopGracefully(kind: ServiceKind, index = 0): Promise<number | null> {
    const list = this.replicas.get(kind) ?? [];
    const child = list[index];
    if (child === undefined) throw new Error(`no ${kind} replica ${index}`);
    this.replicas.set(
      kind,
      list.filter((c) => c !== child),
    );
    child.kill("SIGTERM");
    const code = await exited(child);
    this.retired.push({ kind, child, endedAt: Date.now() });
    return code;
  }

  /** Kills a replica with SIGKILL (a crash: no hand-over). */
  async kill(kind: ServiceKind, index = 0): Promise<void> {
    const list = this.replicas.get(kind) ?? [];
    const child = list[index];
    if (child === undefined) throw new Error(`no ${kind} replica ${index}`);
    this.replicas.set(
      kind,
      list.filter((c) => c !== child),
    );
    const endedAt = Date.now();
    child.kill("SIGKILL");
    await exited(child);
    this.retired.push({ kind, child, endedAt });
  }

  /**
   * Stalls a replica (SIGSTOP) for `ms`, then lets it go on (SIGCONT): a long GC pause or a
   * frozen VM. It keeps its connections and believes its leases are still its own.
   */
  async stall(kind: ServiceKind, index: number, ms: number): Promise<void> {
    const child = this.replicas.get(kind)?.[index];
    if (child === undefined) throw new Error(`no ${kind} replica ${index}`);
    child.kill("SIGSTOP");
    try {
      await new Promise((r) => setTimeout(r, ms));
    } finally {
      child.kill("SIGCONT");
    }
  }

  /** Every replica's log, the retired ones' too, with when they ended. */
  replicaLogs(): { label: string; kind: ServiceKind; stderr: string; endedAt: number | undefined }[] {
    const live = [...this.replicas].flatMap(([kind, cs]) => cs.map((child) => ({ kind, child, endedAt: undefined as number | undefined })));
    return [...this.retired, ...live].map(({ kind, child, endedAt }) => ({
      label: `${kind}[pid ${child.pid ?? "?"}]`,
      kind,
      stderr: child.output.stderr,
      endedAt,
    }));
  }

  produce(args: readonly string[], stdin?: string): Promise<CliResult> {
    return runCli(["produce", "--health-port", "0", "--no-progress", ...args], {
      env: this.env,
      ...(stdin !== undefined ? { stdin } : {}),
    });
  }

  /** Waits until GetTrending equals the model (keys, order, scores, names and asOfMs); the replicas' logs on failure. */
  async servedEqualsModel(model: ModelResult, timeoutMs = 90_000): Promise<ServedSnapshot> {
    const client = trendingClient(this.grpcAddr);
    try {
      return await eventually(
        "the served ranking to equal the model",
        async () => {
          const served = await getTrending(client, 0).catch((e: unknown) => String(e));
          if (typeof served === "string") return served;
          const diffs = rankingDifferences([...served.topics], model);
          if (served.asOfMs !== model.asOfMs) diffs.push(`asOfMs ${served.asOfMs} vs ${model.asOfMs}`);
          return diffs.length === 0 ? served : diffs.slice(0, 3).join("; ");
        },
        timeoutMs,
      ).catch((err: unknown) => {
        throw this.withLogs(err);
      });
    } finally {
      client.close();
    }
  }

  /** `err` with every replica's log after it, and its summary again at the end: CI may show only the end of a long message. */
  private withLogs(err: unknown): Error {
    const summary = err instanceof Error ? err.message : String(err);
    return new Error(`${summary}\n${this.logs()}\n^ ${summary}`);
  }

  /** The end of every replica's standard error (repeated lines folded), for a failing test's message. */
  logs(): string {
    return [...this.replicas].flatMap(([k, cs]) => cs.map((c, i) => `--- ${k}[${i}]\n${logTail(c.output.stderr, 40)}`)).join("\n");
  }

  async stop(): Promise<void> {
    const all = [...this.replicas.values()].flat();
    for (const c of all) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.all(
      all.map(async (c) => {
        const t = setTimeout(() => c.kill("SIGKILL"), 15_000);
        await exited(c);
        clearTimeout(t);
      }),
    );
  }
}

/**
 * What every fault-test file shares: brokers of its own (started before, stopped
 * after) and the pipeline under test (stopped after each test).
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { getTrending, healthStatus, trendingClient } from "@meetuphype/grpc";
import {
  auditDelivery,
  eventually,
  referenceRanking,
  startFaultInfra,
  TestPipeline,
  uniqueName,
  type FaultInfra,
  type TestPipelineOptions,
} from "@meetuphype/testkit";

export interface FaultHarness {
  /** The brokers of this file (available inside tests). */
  readonly infra: FaultInfra;
  /** Starts a pipeline on them, with its own prefix and topic. */
  start(label: string, o?: Partial<TestPipelineOptions>): Promise<{ p: TestPipeline; prefix: string }>;
  /** The pipeline settles on the model's ranking, and every valid record in the topic reached dedup. */
  expectExactAndComplete(p: TestPipeline, prefix: string, lines: readonly string[], fault: string): Promise<void>;
}

export function faultHarness(): FaultHarness {
  let infra: FaultInfra | undefined;
  let pipeline: TestPipeline | undefined;
  beforeAll(async () => {
    infra = await startFaultInfra();
  }, 180_000);
  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });
  afterAll(async () => {
    await infra?.stop();
  });
  const get = (): FaultInfra => {
    if (infra === undefined) throw new Error("the fault brokers are not started (use the harness inside a test)");
    return infra;
  };
  return {
    get infra() {
      return get();
    },
    async start(label, o = {}) {
      const prefix = o.prefix ?? uniqueName(label);
      pipeline = await TestPipeline.start({ kafkaBrokers: get().kafkaBrokers, natsUrl: get().natsUrl, prefix, ...o });
      return { p: pipeline, prefix };
    },
    async expectExactAndComplete(p, prefix, lines, fault) {
      const model = referenceRanking(lines, DEFAULT_PARAMS);
      await p.servedEqualsModel(model, 180_000);
      const { kafkaBrokers, natsUrl } = get();
      const audit = await auditDelivery({ kafkaBrokers, topic: prefix, natsUrl, prefix });
      console.log(`${fault}: ${audit.valid} valid records, ${audit.missing.length} missing, ${audit.redelivered} redelivered`);
      expect(audit.missing.slice(0, 5), "valid records that never reached dedup").toEqual([]);
      expect(audit.unexpected.slice(0, 5), "forwarded records that are not valid").toEqual([]);
      // The producer may write a record twice when a send is retried (at least once): never fewer.
      expect(audit.valid).toBeGreaterThanOrEqual(model.accepted);
    },
  };
}

/** Ms from now until TrendingService is SERVING again with a ranking that is not stale. */
export async function recovery(p: TestPipeline): Promise<number> {
  const t0 = Date.now();
  const client = trendingClient(p.grpcAddr);
  try {
    await eventually(
      "the aggregator to serve a current ranking again",
      async () => {
        const health = await healthStatus(p.grpcAddr, "meetuphype.v1.TrendingService").catch((e: unknown) => String(e));
        const s = await getTrending(client, 1).catch(() => undefined);
        return health === "SERVING" && s !== undefined && s.stale !== true ? true : `health ${health}, stale ${String(s?.stale)}`;
      },
      120_000,
    );
  } finally {
    client.close();
  }
  return Date.now() - t0;
}

export { generatedLines as generated } from "@meetuphype/testkit";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

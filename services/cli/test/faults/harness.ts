/**
 * What every fault-test file shares: brokers of its own (started before, stopped
 * after) and the pipeline under test (stopped after each test).
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFaultInfra, TestPipeline, uniqueName, type FaultInfra, type TestPipelineOptions } from "@meetuphype/testkit";

export interface FaultHarness {
  /** The brokers of this file (available inside tests). */
  readonly infra: FaultInfra;
  /** Starts a pipeline on them, with its own prefix and topic. */
  start(label: string, o?: Partial<TestPipelineOptions>): Promise<{ p: TestPipeline; prefix: string }>;
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
  };
}

export { generatedLines as generated } from "@meetuphype/testkit";

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

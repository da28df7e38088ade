/** Integration tests: one Kafka and one NATS server for the run (see shared/testkit/src/infra.ts). */
import type { TestProject } from "vitest/node";
import { startTestInfra } from "@meetuphype/testkit";

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBrokers: string;
    natsUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await startTestInfra((l) => console.log(`[infra] ${l}`));
  console.log(`[infra] ${infra.how}: KAFKA_BROKERS=${infra.kafkaBrokers} NATS_URL=${infra.natsUrl}`);
  project.provide("kafkaBrokers", infra.kafkaBrokers);
  project.provide("natsUrl", infra.natsUrl);
  return () => infra.stop();
}

/**
 * The ingest replica's Kafka consumer, supervised: when kafkajs gives up on a
 * consumer (a crash it does not restart, e.g. the broker was gone for longer
 * than its retries), a new one joins the group after a pause. What it tells
 * readiness: whether the replica is in the group and fetching, and if not, why.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import { describe, retry } from "@meetuphype/control-plane";
import { backoffDelay, type Backoff } from "@meetuphype/core";

/** Partitions whose batches a replica handles at the same time. */
const PARTITIONS_AT_ONCE = 8;

export interface SupervisedConsumerOptions {
  readonly kafka: Kafka;
  readonly brokers: readonly string[];
  readonly config: ConsumerConfig;
  readonly topic: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly eachBatch: (payload: EachBatchPayload) => Promise<void>;
  /** Waits for what `eachBatch` left in flight (acknowledgements, commits): before a consumer disconnects. */
  readonly settle: () => Promise<void>;
}

/** A consumer's state as readiness sees it. */
export class ConsumerState {
  /** Undefined while the replica is in the group and fetching; else why not. */
  problem: string | undefined = "not in the consumer group yet";
  joined = 0;
}

/** The pause before a new consumer joins after one stopped or failed. */
const RESTART: Backoff = { firstDelayMs: 1000, maxDelayMs: 15_000 };

export async function consumeSupervised(o: SupervisedConsumerOptions, state: ConsumerState): Promise<void> {
  let failures = 0;
  while (!o.signal.aborted) {
    const joinedBefore = state.joined;
    // The pause before the next consumer: a consumer that joined the group worked for a while, so
    // the count starts over; one that never joined adds to it.
    const pause = (): number => {
      failures = state.joined > joinedBefore ? 1 : failures + 1;
      return backoffDelay(RESTART, failures, Math.random()) ?? RESTART.maxDelayMs;
    };
    let inMs: number | undefined;
    const consumer = o.kafka.consumer(o.config);
    const gaveUp = watch(consumer, state, o.logger);
    try {
      await retry(
        async () => {
          await consumer.connect();
          await consumer.subscribe({ topic: o.topic, fromBeginning: true });
        },
        {
          what: `joining consumer group ${o.config.groupId} at ${o.brokers.join(",")}`,
          logger: o.logger,
          signal: o.signal,
          minMs: 500,
          maxMs: 3000,
        },
      );
      // The batches of several partitions at once: one partition's wait for its acknowledgements
      // and its clock write no longer holds the others back (each partition stays in order).
      // eachBatch commits a batch's offsets itself once its outputs are acknowledged: kafkajs
      // must commit nothing on its own (it would commit what eachBatch resolved to fetch on).
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
        eachBatch: o.eachBatch,
      });
      const aborted = new Promise<void>((resolve) => o.signal.addEventListener("abort", () => resolve(), { once: true }));
      const err = await Promise.race([gaveUp, aborted]);
      if (err !== undefined) {
        o.logger.error("the Kafka consumer stopped; starting a new one", { err: describe(err), inMs: (inMs = pause()) });
        state.problem = `the Kafka consumer stopped: ${describe(err)}`;
      }
    } catch (err) {
      if (o.signal.aborted) break;
      // A broker not up yet (or restarting) is retried like this; only what retrying cannot fix is an error.
      const transient = err instanceof Error && (err as { retriable?: boolean }).retriable !== false;
      o.logger[transient ? "warn" : "error"]("the Kafka consumer failed; starting a new one", {
        err: describe(err),
        inMs: (inMs = pause()),
      });
    } finally {
      // No new batches, then the ones in flight are acknowledged and committed while this consumer
      // is still in the group; only then does it leave.
      try {
        consumer.pause([{ topic: o.topic }]);
      } catch {
        // Not running (it failed to join or crashed): nothing comes.
      }
      await o.settle();
      await consumer.disconnect().catch(() => undefined);
    }
    if (o.signal.aborted) break;
    await sleep(inMs ?? pause(), undefined, { signal: o.signal }).catch(() => undefined);
  }
  state.problem = "stopped";
}

/** Resolves with the error when kafkajs gives the consumer up for good. */
function watch(consumer: Consumer, state: ConsumerState, logger: Logger): Promise<unknown> {
  const ev = consumer.events;
  consumer.on(ev.GROUP_JOIN, (e) => {
    state.problem = undefined;
    state.joined++;
    const partitions = Object.values(e.payload.memberAssignment).flat();
    logger.info("joined the consumer group", { partitions: partitions.join(","), inMs: e.payload.duration });
  });
  consumer.on(ev.FETCH, () => (state.problem = undefined));
  consumer.on(ev.DISCONNECT, () => (state.problem = "disconnected from Kafka"));
  return new Promise((resolve) => {
    consumer.on(ev.CRASH, (e) => {
      state.problem = `the Kafka consumer crashed: ${describe(e.payload.error)}`;
      if (e.payload.restart) logger.warn("the Kafka consumer crashed; kafkajs restarts it", { err: describe(e.payload.error) });
      else resolve(e.payload.error);
    });
  });
}

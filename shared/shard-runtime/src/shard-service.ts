/**
 * The life of a sharded service replica (dedup, counter): connect, create the
 * NATS resources, join the member list, own shards as assigned, serve health,
 * and on SIGTERM hand every shard over and leave within the grace period.
 */
import type { JetStreamClient, JetStreamManager, NatsConnection } from "nats";
import type { Logger } from "@meetuphype/log";
import { createMetrics, type Metrics } from "@meetuphype/metrics";
import {
  connectNats,
  describe,
  ensureResources,
  isRefusedReplicas,
  JetStreamPublisher,
  Membership,
  type Names,
  names as nameSet,
  natsHealth,
  natsLeaseKv,
  replicaId,
  retry,
  type ShardKind,
  shardStream,
} from "@meetuphype/control-plane";
import type { NatsSecurity } from "@meetuphype/config";
import { reachableAt, startHealthServer } from "@meetuphype/metrics";
import { leaveWithin, OwnedSet, shardReadiness, updateShardGauges } from "./replica-life.js";
import { ShardOwnership } from "./ownership.js";
import type { ShardLease } from "./ownership-types.js";
import { FencedEffects } from "./fenced.js";
import { ProgressReporter } from "./progress.js";
import type { ShardLogic } from "./shard-logic.js";
import { jetStreamFeed, JetStreamShards } from "./shard-runner.js";
import { SnapshotStore } from "./snapshots.js";

export interface ShardServiceEnv {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  /** JetStream publishes with acknowledgements matched on one inbox (the hot path's, js-publisher.ts). */
  readonly publisher: JetStreamPublisher;
  readonly names: Names;
  readonly replica: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface ShardServiceOptions<X> {
  readonly kind: ShardKind;
  readonly natsUrl: string;
  readonly natsSecurity: NatsSecurity;
  /** Copies of each NATS resource it creates (NATS_REPLICAS). @default 1 */
  readonly natsReplicas?: number;
  readonly prefix: string;
  readonly shards: number;
  readonly healthPort: number;
  /** The address the health listener binds. @default "0.0.0.0" */
  readonly healthHost?: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** This replica's id. @default the host name and a random suffix */
  readonly replica?: string;
  readonly create: (
    shard: number,
    snapshot: Uint8Array | undefined,
    env: ShardServiceEnv,
    lease: ShardLease,
    /** Every effect the shard has on others goes through here: checked against its lease. */
    effects: FencedEffects,
  ) => { logic: ShardLogic<X>; seq: number };
  /** Extra wiring once shards can run (the counter's rank-request subscription). */
  readonly onStart?: (env: ShardServiceEnv, shards: JetStreamShards<X>) => void;
  /** Undoes what onStart set up, when the replica stops. */
  readonly onStop?: () => void;
  readonly snapshotEveryMs?: number;
  /** How long a SIGTERM hand-over may take before the replica exits without it. @default 8000 */
  readonly stopDeadlineMs?: number;
}

/** JetStream's "no message found" (an empty subject). */
const NO_MESSAGE = 10037;

function lastSeqOf(jsm: JetStreamManager, stream: string, subjectOf: (shard: number) => string): (shard: number) => Promise<number> {
  return async (shard) => {
    try {
      return (await jsm.streams.getMessage(stream, { last_by_subj: subjectOf(shard) })).seq;
    } catch (err) {
      if (err instanceof Error && "api_error" in err && (err.api_error as { err_code?: number } | undefined)?.err_code === NO_MESSAGE)
        return 0;
      throw err;
    }
  };
}

export async function runShardService<X>(o: ShardServiceOptions<X>): Promise<number> {
  const replica = o.replica ?? replicaId(undefined);
  const log = o.logger.child({ service: o.kind, replica });
  // Health first: liveness holds while NATS is awaited, and readiness says what is missing.
  const live: { nc?: NatsConnection; ownership?: ShardOwnership } = {};
  const metrics = createMetrics(o.kind);
  const health = await startHealthServer(
    { port: o.healthPort, host: o.healthHost ?? "0.0.0.0" },
    async () => {
      const { nc, ownership } = live;
      const natsDown = nc === undefined ? `waiting for NATS at ${o.natsUrl}` : await natsHealth(nc);
      return shardReadiness(replica, natsDown, ownership);
    },
    metrics,
  );
  const nc = await connectNats(o, `${o.kind}-${replica}`, log, o.signal).catch(async (err: unknown) => {
    await health.close();
    throw err;
  });
  live.nc = nc;
  const n = nameSet(o.prefix);
  await retry(() => ensureResources(nc, n, o.natsReplicas ?? 1), {
    what: "creating the NATS streams and buckets",
    logger: log,
    signal: o.signal,
    isFinal: isRefusedReplicas,
  });
  const js = nc.jetstream();
  const publisher = new JetStreamPublisher(nc);
  const env: ShardServiceEnv = { nc, js, publisher, names: n, replica, logger: log, metrics };
  const input = shardStream(n, o.kind);
  const shards = new JetStreamShards<X>({
    feed: jetStreamFeed(js),
    stream: input.stream,
    subjectOf: input.subjectOf,
    snapshotName: (s) => `${o.kind}-${s}`,
    lastSeqOf: lastSeqOf(await nc.jetstreamManager(), input.stream, input.subjectOf),
    snapshots: new SnapshotStore(await js.views.os(n.snapshotStore)),
    // The runtime, not the stage, fences the shard's effects by its lease (fenced.ts).
    create: (shard, snap, lease) => o.create(shard, snap, env, lease, new FencedEffects(lease, publisher, nc, log)),
    onPending: (shard, pending) => metrics.shardPending.set({ kind: o.kind, shard: String(shard) }, pending),
    logger: log,
    ...(o.snapshotEveryMs !== undefined ? { snapshotEveryMs: o.snapshotEveryMs } : {}),
  });
  o.onStart?.(env, shards);
  const membership = new Membership(natsLeaseKv(await js.views.kv(n.membersBucket)), o.kind, replica, {
    health: reachableAt(o.healthHost ?? "0.0.0.0", health.port),
  });
  const ownership = new ShardOwnership({
    kv: natsLeaseKv(await js.views.kv(n.shardsBucket)),
    membership,
    kind: o.kind,
    shards: o.shards,
    runner: shards,
    logger: log,
    onHandover: (ms) => metrics.handover.observe(ms / 1000),
  });
  // Shards report their progress: the aggregator ranks no later than the slowest one (progress.ts).
  const reporter = new ProgressReporter(await js.views.kv(n.progressBucket), o.kind);
  const ownedSet = new OwnedSet();
  const beat = setInterval(() => {
    ownership.tick().catch((err: unknown) => log.warn("ownership tick failed; will retry", { err: describe(err) }));
    const owned = ownership.ownedShards();
    const changed = ownedSet.changed(owned);
    if (changed !== undefined) log.info("owned shards changed", { shards: changed, ready: ownership.ready });
    updateShardGauges(metrics, o.kind, o.shards, owned, (s) => shards.savedAt(s), Date.now());
    const progress = new Map([...shards.progress()].filter(([s]) => ownership.leaseValid(s)));
    reporter.report(progress).catch((err: unknown) => log.debug("progress report failed; will retry", { err: describe(err) }));
  }, 1000);
  void ownership.tick();
  live.ownership = ownership;
  log.info("started", { health: health.port, nats: o.natsUrl, prefix: o.prefix });
  await new Promise<void>((resolve) =>
    o.signal.aborted ? resolve() : o.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  log.info("stopping: handing shards over");
  // A hand-over normally takes about a second; past this deadline the replica
  // exits anyway, and its shards are taken over from the last periodic snapshot.
  const left = await leaveWithin(ownership, () => shards.abandonAll(), o.stopDeadlineMs ?? 8_000, log);
  clearInterval(beat);
  o.onStop?.();
  if (left === "late") return 1;
  publisher.close();
  await health.close();
  await nc.drain();
  log.info("stopped");
  return 0;
}

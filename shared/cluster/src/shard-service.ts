/**
 * The life of a sharded service replica (dedup, counter): connect, create the
 * NATS resources, join the member list, own shards as assigned, serve health,
 * and on SIGTERM hand every shard over and leave within the grace period.
 */
import { randomBytes } from "node:crypto";
import type { JetStreamClient, NatsConnection } from "nats";
import type { Logger } from "@meetuphype/actors";
import { connectNats, natsHealth } from "./connect.js";
import { startHealthServer } from "./health.js";
import { Membership } from "./membership.js";
import { names as nameSet, type Names, type ShardKind } from "./names.js";
import { ShardOwnership } from "./ownership.js";
import { retry } from "./retry.js";
import { ensureResources } from "./setup.js";
import { JetStreamShards, type ShardLogic } from "./shard-runner.js";
import { SnapshotStore } from "./snapshots.js";

export interface ShardServiceEnv {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly names: Names;
  readonly replica: string;
  readonly logger: Logger;
}

export interface ShardServiceOptions<X> {
  readonly kind: ShardKind;
  readonly natsUrl: string;
  readonly prefix: string;
  readonly shards: number;
  readonly healthPort: number;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** This replica's id. @default the host name and a random suffix */
  readonly replica?: string;
  readonly create: (shard: number, snapshot: Uint8Array | undefined, env: ShardServiceEnv) => { logic: ShardLogic<X>; seq: number };
  /** Extra wiring once shards can run (the counter's rank-request subscription). */
  readonly onStart?: (env: ShardServiceEnv, shards: JetStreamShards<X>) => void;
  readonly snapshotEveryMs?: number;
  /** How long a SIGTERM hand-over may take before the replica exits without it. @default 8000 */
  readonly stopDeadlineMs?: number;
}

/** A replica id that is unique and readable: POD name (HOSTNAME) plus a random suffix. */
export function replicaId(hostname: string | undefined): string {
  return `${(hostname ?? "replica").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 40)}-${randomBytes(3).toString("hex")}`;
}

export async function runShardService<X>(o: ShardServiceOptions<X>): Promise<number> {
  const replica = o.replica ?? replicaId(undefined);
  const log = o.logger.child({ service: o.kind, replica });
  const nc = await connectNats(o.natsUrl, `${o.kind}-${replica}`, log, o.signal);
  const n = nameSet(o.prefix);
  await retry(() => ensureResources(nc, n), { what: "creating the NATS streams and buckets", logger: log, signal: o.signal });
  const js = nc.jetstream();
  const env: ShardServiceEnv = { nc, js, names: n, replica, logger: log };
  const shards = new JetStreamShards<X>({
    js,
    stream: o.kind === "dedup" ? n.dedupStream : n.counterStream,
    subjectOf: o.kind === "dedup" ? n.dedupSubject : n.counterSubject,
    snapshotName: (s) => `${o.kind}-${s}`,
    snapshots: new SnapshotStore(await js.views.os(n.snapshotStore)),
    create: (shard, snap) => o.create(shard, snap, env),
    logger: log,
    ...(o.snapshotEveryMs !== undefined ? { snapshotEveryMs: o.snapshotEveryMs } : {}),
  });
  o.onStart?.(env, shards);
  const membership = new Membership(await js.views.kv(n.membersBucket), o.kind, replica, log);
  await membership.join();
  const ownership = new ShardOwnership(await js.views.kv(n.shardsBucket), membership, o.kind, o.shards, shards, log);
  ownership.start();
  const health = await startHealthServer(o.healthPort, async () => {
    const down = await natsHealth(nc);
    const reason = down ?? (ownership.ready ? undefined : "the shards assigned to this replica are not all owned yet");
    return { ready: reason === undefined, reason, detail: { replica, shards: ownership.ownedShards() } };
  });
  log.info("started", { health: health.port, nats: o.natsUrl, prefix: o.prefix });
  await new Promise<void>((resolve) =>
    o.signal.aborted ? resolve() : o.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  log.info("stopping: handing shards over");
  // A hand-over normally takes about a second; past this deadline the replica
  // exits anyway, and its shards are taken over from the last periodic snapshot.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), o.stopDeadlineMs ?? 8_000)));
  const left = await Promise.race([ownership.leave().then(() => "done" as const), deadline]);
  clearTimeout(timer);
  if (left === "late") {
    shards.abandonAll();
    log.error("hand-over did not finish before the stop deadline; exiting without it", {
      deadlineMs: o.stopDeadlineMs ?? 8_000,
      owned: ownership.ownedShards(),
    });
    return 1;
  }
  await health.close();
  await nc.drain();
  log.info("stopped");
  return 0;
}

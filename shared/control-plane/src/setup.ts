/**
 * Creates (idempotently) the streams, KV buckets and object store the pipeline uses, with
 * NATS_REPLICAS copies each; an existing one with another count is changed to it where NATS
 * allows (a clustered JetStream), or the service stops with an error naming it and the setting.
 */
import { KnownError } from "@meetuphype/core";
import { RetentionPolicy, StorageType, nanos, type JetStreamManager, type NatsConnection } from "nats";
import type { Names } from "./names.js";

/**
 * NATS would not keep a resource with the replicas asked for (NATS_REPLICAS). Final when the
 * server refuses the count itself; retriable when a cluster cannot place the copies yet ("no
 * suitable peers": fewer JetStream servers are up than NATS_REPLICAS, as while a cluster starts).
 */
export class NatsReplicasError extends KnownError {
  readonly code = "NATS_REPLICAS";
  readonly retriable: boolean;
  constructor(resource: string, replicas: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const placing = /no suitable peers|insufficient resources/i.test(why);
    super(
      placing
        ? `NATS cannot place ${replicas} copies of ${resource} yet: ${why}. Waiting for ${replicas} JetStream servers in the ` +
            `cluster; if it has fewer, set NATS_REPLICAS (--nats-replicas) to at most their number.`
        : `NATS refused ${replicas} replica${replicas === 1 ? "" : "s"} for ${resource}: ${why}. ` +
            `Set NATS_REPLICAS (--nats-replicas) to at most the number of JetStream servers in the NATS cluster (1 for a single server).`,
      { cause },
    );
    this.retriable = placing;
  }
}

/**
 * What to throw for `err`, met while creating or changing `resource` with `replicas` copies: a
 * NatsReplicasError when the server answered with a refusal (a JetStream API error), and `err`
 * itself when the request got no answer (a timeout, a lost connection, a cluster electing its
 * leader): that is retried like any other transport failure, never taken for a refusal.
 */
export function replicasFailure(resource: string, replicas: number, err: unknown): unknown {
  const answered = err instanceof Error && "api_error" in err && err.api_error !== undefined;
  return replicas > 1 && answered ? new NatsReplicasError(resource, replicas, err) : err;
}

/** A replica count NATS refuses outright: retrying cannot fix it (the service stops). */
export const isRefusedReplicas = (e: unknown): boolean => e instanceof NatsReplicasError && !e.retriable;

/** The stream behind a KV bucket or an object store (JetStream's own naming). */
export const kvStream = (bucket: string): string => `KV_${bucket}`;
export const objectStoreStream = (store: string): string => `OBJ_${store}`;

/** Gives an existing stream `replicas` copies, if it has another count. */
export async function ensureReplicas(jsm: JetStreamManager, stream: string, replicas: number, resource = stream): Promise<void> {
  const info = await jsm.streams.info(stream);
  if (info.config.num_replicas === replicas) return;
  try {
    await jsm.streams.update(stream, { ...info.config, num_replicas: replicas });
  } catch (err) {
    throw replicasFailure(resource, replicas, err);
  }
}

/** How long the shard streams keep messages (a stopped shard resumes from its snapshot within this). */
export const STREAM_MAX_AGE_MS = 2 * 24 * 3_600_000;
/** JetStream drops a republished message with the same id within this window. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** A replica that stops heartbeating leaves the member list after this long. */
export const MEMBER_TTL_MS = 5_000;

async function ensureStream(jsm: JetStreamManager, name: string, subject: string, replicas: number): Promise<void> {
  try {
    await jsm.streams.info(name);
    return;
  } catch {
    // not there yet
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(STREAM_MAX_AGE_MS),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    });
  } catch (err) {
    // Another replica may have created it meanwhile.
    await jsm.streams.info(name).catch(() => {
      throw replicasFailure(`stream ${name}`, replicas, err);
    });
  }
}

/** Every NATS resource of the pipeline, with `replicas` copies (NATS_REPLICAS; 1 by default). */
export async function ensureResources(nc: NatsConnection, n: Names, replicas = 1): Promise<void> {
  // A single server refuses new resources with several copies, but (2.9) accepts the change on
  // existing ones without keeping them: so ask first whether it is part of a cluster.
  if (replicas > 1 && (nc.info?.cluster ?? "") === "")
    throw new NatsReplicasError(
      `the streams of ${n.prefix}`,
      replicas,
      new Error(`the NATS server ${nc.getServer()} is not part of a cluster`),
    );
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, n.dedupStream, `${n.prefix}.dedup.*`, replicas);
  await ensureStream(jsm, n.counterStream, `${n.prefix}.counter.*`, replicas);
  const js = nc.jetstream();
  const kv = async (bucket: string, o: { ttl?: number; history: number }): Promise<void> => {
    await js.views.kv(bucket, { ...o, replicas }).catch((err: unknown) => {
      throw replicasFailure(`KV bucket ${bucket}`, replicas, err);
    });
    await ensureReplicas(jsm, kvStream(bucket), replicas, `KV bucket ${bucket}`);
  };
  await kv(n.membersBucket, { ttl: MEMBER_TTL_MS, history: 1 });
  await kv(n.shardsBucket, { history: 1 });
  await kv(n.clockBucket, { history: 1 });
  await kv(n.progressBucket, { history: 1 });
  await js.views.os(n.snapshotStore, { replicas }).catch((err: unknown) => {
    throw replicasFailure(`object store ${n.snapshotStore}`, replicas, err);
  });
  await ensureReplicas(jsm, objectStoreStream(n.snapshotStore), replicas, `object store ${n.snapshotStore}`);
  await ensureReplicas(jsm, n.dedupStream, replicas, `stream ${n.dedupStream}`);
  await ensureReplicas(jsm, n.counterStream, replicas, `stream ${n.counterStream}`);
}

/** Creates (idempotently) the streams, KV buckets and object store the pipeline uses. */
import { RetentionPolicy, StorageType, nanos, type JetStreamManager, type NatsConnection } from "nats";
import type { Names } from "./names.js";

/** How long the shard streams keep messages (a stopped shard resumes from its snapshot within this). */
export const STREAM_MAX_AGE_MS = 2 * 24 * 3_600_000;
/** JetStream drops a republished message with the same id within this window. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** A replica that stops heartbeating leaves the member list after this long. */
export const MEMBER_TTL_MS = 5_000;

async function ensureStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
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
    });
  } catch (err) {
    // Another replica may have created it meanwhile.
    await jsm.streams.info(name).catch(() => {
      throw err;
    });
  }
}

export async function ensureResources(nc: NatsConnection, n: Names): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await ensureStream(jsm, n.dedupStream, `${n.prefix}.dedup.*`);
  await ensureStream(jsm, n.counterStream, `${n.prefix}.counter.*`);
  const js = nc.jetstream();
  await js.views.kv(n.membersBucket, { ttl: MEMBER_TTL_MS, history: 1 });
  await js.views.kv(n.shardsBucket, { history: 1 });
  await js.views.kv(n.clockBucket, { history: 1 });
  await js.views.kv(n.progressBucket, { history: 1 });
  await js.views.os(n.snapshotStore);
}

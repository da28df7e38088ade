// Where a record's latency goes, hop by hop, in a running distributed pipeline. Appends probe records
// (one every 150 ms, each with its own topic) and times, for each, when it is seen: acknowledged by
// Kafka; sent by ingest to a dedup shard; sent by dedup to a counter shard; covered by every dedup
// shard's coverage notice; inside a rank request's cut; in a counter shard's ranked answer; served by
// WatchTrending. Also counts the messages per second on the pipeline's subjects meanwhile.
//
// Usage (with the pipeline's KAFKA_BROKERS, NATS_URL, and KAFKA_TOPIC / NAME_PREFIX if not default):
//   node scripts/bench/hops.mjs [GRPC_ADDR] [PROBES]
// The aggregator should rank enough topics for a probe to enter (--top-n 500 with the synthetic feed).
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { Kafka, logLevel, Partitioners } = require("kafkajs");
const { connect } = await import("nats");
const codec = await import("@meetuphype/control-plane");
const grpc = await import("@meetuphype/grpc");

const [grpcAddr = "127.0.0.1:50051", count = "200"] = process.argv.slice(2);
const { KAFKA_BROKERS, NATS_URL, KAFKA_TOPIC = "meetup", NAME_PREFIX = "mh", DEDUP_SHARDS = "16" } = process.env;
if (KAFKA_BROKERS === undefined || NATS_URL === undefined) {
  console.error("hops: set KAFKA_BROKERS and NATS_URL to the running pipeline's brokers");
  process.exit(2);
}
const names = codec.names(NAME_PREFIX);
const dedupShards = Number(DEDUP_SHARDS);
const HOPS = ["acked", "ingest", "dedup", "notice", "rank", "topk", "watch"];
const probes = new Map(); // topic key -> times
const keyOfId = new Map();
const at = (key, hop) => {
  const p = probes.get(key);
  if (p !== undefined && p[hop] === undefined) p[hop] = performance.now();
};
const covers = (marks, p) => p.offset !== undefined && marks.some((m) => m.partition === p.partition && m.next > p.offset);

const nc = await connect({ servers: NATS_URL.split(",") });
const rates = new Map();
const listen = (subject, fn) => {
  const sub = nc.subscribe(subject);
  rates.set(subject, 0);
  void (async () => {
    for await (const m of sub) {
      rates.set(subject, rates.get(subject) + 1);
      fn(m.data);
    }
  })();
};
listen(`${NAME_PREFIX}.dedup.*`, (data) => {
  for (const r of codec.decodeDedupBatch(data).records) if (keyOfId.has(r.rsvpId)) at(keyOfId.get(r.rsvpId), "ingest");
});
listen(`${NAME_PREFIX}.counter.*`, (data) => {
  for (const g of codec.decodeDeltaMessages(data).flatMap((b) => b.segments)) for (const d of g.deltas) at(d.key, "dedup");
});
listen(names.coverageSubject, (data) => {
  for (const n of codec.decodeCoverageNotices(data))
    for (const [key, p] of probes) {
      if (p.notice !== undefined || !covers(n.coverage, p)) continue;
      (p.shards ??= new Set()).add(n.shard);
      if (p.shards.size === dedupShards) at(key, "notice");
    }
});
listen(names.rankSubject, (data) => {
  const q = codec.decodeRankRequest(data);
  if (!q.probe) for (const [key, p] of probes) if (covers(q.cut, p)) at(key, "rank");
});
listen(names.topkSubject, (data) => {
  const a = codec.decodeShardTopK(data);
  if (a.ranked) for (const t of a.topics) at(t.key, "topk");
});
const client = grpc.trendingClient(grpcAddr);
const watch = grpc.watchTrending(client, 0, (s) => s.topics.forEach((t) => at(t.key, "watch")));
watch.done.catch((err) => console.error(`hops: WatchTrending at ${grpcAddr} failed: ${err.message}`));

const kafka = new Kafka({ brokers: KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const started = performance.now();
const run = `${Date.now().toString(36)}`;
for (let i = 0; i < Number(count); i++) {
  const key = `hop-${run}-${i}`;
  const id = 9_100_000_000 + (Date.now() % 1_000_000) * 100 + (i % 100);
  keyOfId.set(id, key);
  const p = { start: performance.now() };
  probes.set(key, p);
  const line = {
    rsvp_id: id,
    mtime: Date.now(),
    response: "yes",
    guests: 1000,
    group: { group_topics: [{ urlkey: key, topic_name: key }] },
  };
  const [meta] = await producer.send({ topic: KAFKA_TOPIC, messages: [{ key: String(id), value: JSON.stringify(line) }] });
  p.acked = performance.now();
  p.partition = meta.partition;
  p.offset = Number(meta.baseOffset);
  await sleep(150);
}
await sleep(3000);
const seconds = (performance.now() - started) / 1000;
watch.cancel();
await producer.disconnect();

// Each hop's share: from the hop before it that was seen.
const rows = [...probes.values()].map((p) => {
  const row = {};
  let prev = p.start;
  for (const h of HOPS) {
    row[h] = p[h] === undefined ? undefined : p[h] - prev;
    if (p[h] !== undefined) prev = p[h];
  }
  row.total = (p.watch ?? p.topk) === undefined ? undefined : (p.watch ?? p.topk) - p.start;
  return row;
});
const pct = (xs, q) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length === 0 ? "-" : Math.round(s[Math.min(s.length - 1, Math.floor((q / 100) * s.length))]);
};
console.log(`${probes.size} probes; ms per hop (each percentile of that hop alone)`);
console.log(["", ...HOPS, "total"].map((h) => h.padStart(7)).join(""));
for (const q of [50, 90, 99])
  console.log(
    [
      `p${q}`,
      ...[...HOPS, "total"].map((h) =>
        pct(
          rows.map((r) => r[h]),
          q,
        ),
      ),
    ]
      .map((x) => String(x).padStart(7))
      .join(""),
  );
console.log("slowest probes:");
for (const r of rows
  .filter((r) => r.total !== undefined)
  .sort((a, b) => b.total - a.total)
  .slice(0, 5))
  console.log(
    ["", ...[...HOPS, "total"].map((h) => (r[h] === undefined ? "-" : Math.round(r[h])))].map((x) => String(x).padStart(7)).join(""),
  );
console.log("messages per second meanwhile:");
for (const [subject, n] of rates) console.log(`  ${subject.padEnd(24)} ${(n / seconds).toFixed(0)}`);
await nc.close();
client.close();

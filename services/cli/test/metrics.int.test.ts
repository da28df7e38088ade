/**
 * GET /metrics on the services of a running distributed pipeline: real values.
 * A backlog is written before ingest starts, so its consumer lag rises and then
 * falls to 0, and the counts of records match what the model accepted and rejected.
 * No dedup replica runs at first: the served snapshots say that the pipeline is
 * catching up (the dedup shards have no owner that reports), and stop saying it
 * once one has started and the backlog is through.
 */
import { afterEach, expect, inject, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { eventually, generatedLines, referenceRanking, TestPipeline, uniqueName } from "@meetuphype/testkit";

const kafkaBrokers = inject("kafkaBrokers");
const natsUrl = inject("natsUrl");
let pipeline: TestPipeline | undefined;

afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

/** The sum of a metric's samples whose labels contain every given `key="value"`. */
function sample(text: string, name: string, ...labels: string[]): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) || !labels.every((l) => line.includes(l))) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

it("serves real values on GET /metrics: ingest lag rises with a backlog and falls to 0; record counts match the model", async () => {
  const prefix = uniqueName("metrics");
  const lines = generatedLines(30_000, 31);
  const model = referenceRanking(lines, DEFAULT_PARAMS);
  pipeline = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix, ingests: 0, dedups: 0 });
  const p = pipeline;
  const produced = await p.produce(["--input", "-"], `${lines.join("\n")}\n`);
  expect(produced.code, produced.stderr).toBe(0);

  // The aggregator already serves the (empty) ranking of the idle pipeline; watch it through the backlog.
  const client = trendingClient(p.grpcAddr);
  const snaps: ServedSnapshot[] = [];
  const watch = watchTrending(client, 3, (s) => snaps.push(s));
  watch.done.catch(() => undefined);

  const { ready } = await p.spawn("ingest");
  const url = `http://127.0.0.1:${p.healthPort("ingest", 0)}/metrics`;
  let maxLag = 0;
  const { text: final } = await eventually(
    "the ingest lag to fall to 0 after the backlog",
    async () => {
      const text = await fetch(url).then(
        (r) => r.text(),
        () => "",
      );
      const lag = sample(text, "meetuphype_kafka_consumer_lag", `topic="${prefix}"`);
      if (lag !== undefined) maxLag = Math.max(maxLag, lag);
      const accepted = sample(text, "meetuphype_records_total", 'stage="ingest"', 'outcome="accepted"') ?? 0;
      return lag === 0 && accepted >= model.accepted ? { text } : `lag ${String(lag)}, accepted ${accepted}`;
    },
    60_000,
  );
  await ready;
  expect(maxLag).toBeGreaterThan(0);
  await eventually("a snapshot marked catching up while no dedup replica runs", () =>
    snaps.at(-1)?.catchingUp === true ? true : `last: ${JSON.stringify(snaps.at(-1))}`,
  );
  await p.add("dedup");
  expect(sample(final, "meetuphype_records_total", 'stage="ingest"', 'outcome="accepted"')).toBe(model.accepted);
  const rejected = Object.values(model.rejected).reduce((a, b) => a + b, 0);
  expect(sample(final, "meetuphype_rejected_total")).toBe(rejected);
  expect(sample(final, "meetuphype_rejected_total", 'reason="invalid_json"')).toBe(model.rejected.invalid_json);
  expect(final).toMatch(/^process_resident_memory_bytes\{service="ingest"\} \d+/m);

  // Dedup and counter: shards owned, nothing pending once idle, deltas counted.
  await p.servedEqualsModel(model);
  await eventually("a snapshot that is no longer catching up", () =>
    snaps.at(-1)?.catchingUp !== true ? true : `last: ${JSON.stringify(snaps.at(-1)?.recordsBehind)}`,
  );
  watch.cancel();
  client.close();
  // The ranking can be exact before the new replica owns every shard: a shard whose input was all
  // handled before the old replica stopped holds nothing back while it is taken over.
  const { text: dedup } = await eventually("the new dedup replica to own every shard", async () => {
    const text = await (await fetch(`http://127.0.0.1:${p.healthPort("dedup", 0)}/metrics`)).text();
    const owned = sample(text, "meetuphype_shards_owned", 'kind="dedup"');
    return owned === 16 ? { text } : `owns ${String(owned)}`;
  });
  expect(sample(dedup, "meetuphype_shard_pending_messages", 'kind="dedup"')).toBe(0);
  expect(sample(dedup, "meetuphype_records_total", 'stage="dedup"', 'outcome="duplicate"')).toBe(model.ignoredVersions);
  const counter = await (await fetch(`http://127.0.0.1:${p.healthPort("counter", 0)}/metrics`)).text();
  expect(sample(counter, "meetuphype_shards_owned", 'kind="counter"')).toBe(32);
  expect(sample(counter, "meetuphype_records_total", 'stage="counter"', 'outcome="deltas_applied"')).toBeGreaterThan(0);
});

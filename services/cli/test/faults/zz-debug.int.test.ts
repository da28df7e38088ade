import { expect, it } from "vitest";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { faultHarness, generated, sleep } from "./harness.js";
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const h = faultHarness();
it("debug empties", async () => {
  const lines = generated(200_000, 7);
  const { p } = await h.start("dbg", { ingests: 2, dedups: 1, counters: 4, logLevel: "debug" });
  const served: { at: number; s: ServedSnapshot; agg: number }[] = [];
  let agg = 0;
  const watching: { on: boolean; current?: { cancel(): void } } = { on: true };
  const watcher = (async () => {
    while (watching.on) {
      const client = trendingClient(p.grpcAddr);
      const a = agg;
      const w = watchTrending(client, 0, (s) => served.push({ at: Date.now(), s, agg: a }));
      watching.current = w;
      await w.done.catch(() => undefined);
      client.close();
      await sleep(200);
    }
  })();
  const input = join(mkdtempSync(join(tmpdir(), "dbg-")), "input.jsonl");
  for (let i = 0; i < lines.length; i += 10_000) appendFileSync(input, `${lines.slice(i, i + 10_000).join("\n")}\n`);
  const t0 = Date.now();
  const producing = p.produce(["--input", input, "--rate", "2500"]);
  for (let k = 0; k < 4; k++) {
    await sleep(12_000);
    await p.kill("aggregator", 0);
    agg++;
    p.startAggregator();
  }
  await producing;
  await sleep(5000);
  watching.on = false;
  watching.current?.cancel();
  await watcher;
  const empties = served.filter((x, i) => i > 3 && x.s.topics.length === 0);
  for (const e of empties) console.log(`empty at ${(e.at - t0) / 1000}s agg ${e.agg} asOf ${e.s.asOfMs}`);
  const logs = p.replicaLogs().filter((l) => l.kind === "aggregator");
  for (const l of logs) console.log(`--- ${l.label}\n${l.stderr.split("\n").slice(0, 30).join("\n")}`);
  expect(empties.length).toBe(0);
}, 600_000);

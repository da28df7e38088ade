// `npm run bench`: prints throughput, latency and memory figures with the
// machine they were measured on. Nothing is asserted; docs/benchmarks.md keeps
// the results. BENCH_RECORDS sets the input size; BENCH_ONLY=embedded or
// BENCH_ONLY=distributed or BENCH_ONLY=board or BENCH_ONLY=dedup-memory runs one part (BENCH_EMIT_MS: the
// aggregator's emit interval in the distributed part, default 100; BENCH_PROBES: its latency
// probes, default 200; BENCH_CPU_PROF: a directory for CPU profiles; BENCH_VIEWERS: the
// board's viewers).
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { benchEmbedded } from "./bench/embedded.mjs";
import { benchDistributed } from "./bench/distributed.mjs";
import { benchBoard } from "./bench/board.mjs";
import { benchDedupMemory } from "./bench/dedup-memory.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "services", "cli", "bin", "meetuphype.js");
const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const only = process.env.BENCH_ONLY;
const print = (title, rows) => {
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${r[0].padEnd(34)} ${String(r[1]).padEnd(30)} ${r[2]}`);
};

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown cpu"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
if (only === undefined || only === "dedup-memory") print("dedup memory", benchDedupMemory({ records }));
const embedded =
  only === "distributed" || only === "board" || only === "dedup-memory" ? undefined : await benchEmbedded({ root, cli, records });
if (embedded) print("embedded pipeline", embedded.rows);
if (only === undefined || only === "board") print("board fan-out", await benchBoard({ cli }));
if (only === undefined || only === "distributed") {
  const file = embedded?.file ?? (await benchEmbedded({ root, cli, records, generateOnly: true })).file;
  print("distributed pipeline", await benchDistributed({ root, cli, records, file }));
}

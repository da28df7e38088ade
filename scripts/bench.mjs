// `npm run bench`: prints throughput and memory figures with the machine they
// were measured on. Nothing is asserted; see docs/benchmarks.md for results.
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { benchEmbedded } from "./bench/embedded.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "services", "cli", "bin", "meetuphype.js");
const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown cpu"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
const rows = await benchEmbedded({ root, cli, records });
console.log("\nembedded pipeline");
for (const r of rows) console.log(`  ${r[0].padEnd(26)} ${r[1].padEnd(22)} ${r[2]}`);

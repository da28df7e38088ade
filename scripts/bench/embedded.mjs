// Benchmark: `meetuphype run --input FILE --once --json` on a large generated
// file, beside a bare loop that reads the same file and JSON.parses each line.
// Prints figures; asserts nothing.
import { createReadStream, existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { measure } from "./procs.mjs";

const MiB = 1024 * 1024;

/** The bare baseline: read the file in 1 MiB chunks, split lines, JSON.parse each. */
async function bareParse(file) {
  const started = performance.now();
  let partial = "";
  let lines = 0;
  let objects = 0;
  const stream = createReadStream(file, { highWaterMark: MiB, encoding: "utf8" });
  for await (const chunk of stream) {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const l of parts) {
      lines++;
      try {
        if (typeof JSON.parse(l) === "object") objects++;
      } catch {
        /* malformed line */
      }
    }
  }
  return { ms: performance.now() - started, lines, objects };
}

export async function benchEmbedded({ root, cli, records, generateOnly = false }) {
  const dir = join(root, ".bench");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `synthetic-${records}.jsonl`);
  if (!existsSync(file)) {
    console.log(`generating ${records} records into ${file} ...`);
    await measure(process.execPath, [cli, "generate", "--count", String(records), "--seed", "42", "--rate", "50", "--output", file]);
  }
  if (generateOnly) return { file, rows: [] };
  const size = statSync(file).size;
  console.log(`input: ${file} (${(size / MiB).toFixed(0)} MiB, ${records} lines)`);

  console.log("bare loop (read + JSON.parse) ...");
  const bare = await bareParse(file);
  console.log("meetuphype run --once --json ...");
  const run = await measure(process.execPath, [cli, "run", "--input", file, "--once", "--json", "--no-progress"]);
  const stats = JSON.parse(run.out).stats;
  const bareRate = bare.lines / (bare.ms / 1000);
  const runRate = stats.lines / (run.ms / 1000);
  const rows = [
    ["bare read + JSON.parse", `${Math.round(bareRate).toLocaleString("en")} records/s`, `${(bare.ms / 1000).toFixed(2)} s`],
    [
      "meetuphype run --once",
      `${Math.round(runRate).toLocaleString("en")} records/s`,
      `${(run.ms / 1000).toFixed(2)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB`,
    ],
    ["ratio (run / bare)", (runRate / bareRate).toFixed(2), `accepted ${stats.accepted}, ignored versions ${stats.ignoredVersions}`],
  ];
  return { file, rows };
}

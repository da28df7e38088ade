// Where a V8 CPU profile (node --cpu-prof) spends its time: the functions with the most self
// time, and the share of garbage collection and idle. Usage: node scripts/bench/profile-top.mjs FILE [N]
import { readFileSync } from "node:fs";

const [file, n = "20"] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: node scripts/bench/profile-top.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const gaps = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const f = byId.get(id).callFrame;
  const where = f.url === "" ? "" : ` ${f.url.replace(/^.*\/(node_modules|shared|services)\//, "$1/")}:${f.lineNumber + 1}`;
  const key = `${f.functionName || "(anonymous)"}${where}`;
  self.set(key, (self.get(key) ?? 0) + (gaps[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const busy = total - (self.get("(idle)") ?? 0);
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n)))
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s  ${key}`);

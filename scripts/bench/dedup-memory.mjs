// Memory of dedup's live versions: a VersionTracker fed N synthetic RSVPs (every one inside
// the window, so every version stays live), in a child with --expose-gc; the figure is the
// growth of the heap plus array buffers, per live version.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const child = `
  const core = await import(${JSON.stringify(fileURLToPath(new URL("../../shared/core/dist/index.js", import.meta.url)))});
  const pipeline = await import(${JSON.stringify(fileURLToPath(new URL("../../shared/pipeline/dist/index.js", import.meta.url)))});
  const n = Number(process.argv[1]);
  const used = () => { for (let i = 0; i < 3; i++) gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const src = new pipeline.SyntheticSource({ seed: 5, rate: 1000 });
  const tracker = new core.VersionTracker(core.versionRetentionMs(1, 70));
  const before = used();
  for (let i = 0; i < n; i++) {
    const r = core.parseLine(src.next(), false);
    if (r.ok) tracker.apply(r.rsvp, r.rsvp.mtime);
  }
  const after = used();
  process.stdout.write(JSON.stringify({ live: tracker.size, bytes: after - before, rss: process.memoryUsage().rss }));
`;

export function benchDedupMemory({ records }) {
  const n = Math.min(records, 1_000_000);
  const out = JSON.parse(
    execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", child, String(n)], { maxBuffer: 1 << 20 }).toString(),
  );
  return [
    ["live versions", out.live.toLocaleString("en"), `from ${n.toLocaleString("en")} synthetic records`],
    ["heap + buffers for them", `${(out.bytes / 2 ** 20).toFixed(0)} MiB`, `${Math.round(out.bytes / out.live)} bytes per live version`],
    ["process RSS at the end", `${(out.rss / 2 ** 20).toFixed(0)} MiB`, ""],
  ];
}

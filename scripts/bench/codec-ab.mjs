// The codec of two builds side by side, in one process, taking turns on the same messages (so that
// a machine whose speed drifts treats both alike): decoding and encoding a delta message of 8
// deltas and a dedup batch of 62 records, and a dedup snapshot of 200,000 versions. Prints the
// median of the turns. Usage: node scripts/bench/codec-ab.mjs BEFORE_CHECKOUT [AFTER_CHECKOUT]
// (each built: `npm ci` or `npm run build` in it; a before checkout: `git worktree add DIR REV`).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("../..", import.meta.url));
const roots = [process.argv[2], process.argv[3] ?? here].map((r) => {
  if (r === undefined) {
    console.error("usage: node scripts/bench/codec-ab.mjs BEFORE_CHECKOUT [AFTER_CHECKOUT]");
    process.exit(2);
  }
  return resolve(r);
});
const codecs = await Promise.all(roots.map((r) => import(`${r}/shared/control-plane/dist/codec.js`)));

const deltas = Array.from({ length: 8 }, (_, i) => ({
  ...{ key: `topic-key-${i}`, name: `Topic Name ${i}`, hour: 0, minute: 0, weight: 1 },
  ...{ mtime: 1714521600009 + i * 997, partition: i % 4, offset: 250000 + i * 3 },
}));
const coverage = [0, 1].map((partition) => ({ partition, next: 123456, clock: 1714521600009 }));
const deltaMessage = { shard: 3, epoch: 7, segments: [{ seq: 12, part: 0, deltas }], coverage };
const records = Array.from({ length: 62 }, (_, i) => ({
  ...{ rsvpId: 1700000000 + i * 13, mtime: 1714521600009 + i, positive: i % 3 !== 0, guests: i % 2 },
  topics: [0, 1, 2, 3].map((k) => ({ key: `key-${(i + k) % 50}`, name: `Name ${(i + k) % 50}` })),
}));
const versions = Array.from({ length: 200_000 }, (_, i) => [
  1700000000 + i * 7,
  { mtime: 1714521600009 + i, weight: 1 + (i % 3), keys: i % 5 === 0 ? null : [`k-${i % 300}`, `k-${(i + 7) % 300}`] },
]);

const perCall = (n, f) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - t) * 1000) / n;
};
const TURNS = 7;
const figures = roots.map(() => new Map());
const add = (i, name, v) => figures[i].set(name, [...(figures[i].get(name) ?? []), v]);
for (let turn = 0; turn < TURNS; turn++) {
  process.stderr.write(`turn ${turn + 1} of ${TURNS}\r`);
  for (const [i, c] of codecs.entries()) {
    const deltaBytes = c.encodeDeltaBatch(deltaMessage);
    add(
      i,
      "delta message (8 deltas): decode, µs",
      perCall(40_000, () => c.decodeDeltaMessages(deltaBytes)),
    );
    add(
      i,
      "delta message (8 deltas): encode, µs",
      perCall(40_000, () => c.encodeDeltaBatch(deltaMessage)),
    );
    const build = () => {
      const b = new c.DedupBatchBuilder();
      for (const r of records) b.add(r, 1000);
      return b.encode("t", 0, { partition: 0, next: 1001, clock: 1 });
    };
    const dedupBytes = build();
    add(
      i,
      "dedup batch (62 records): decode, µs",
      perCall(20_000, () => c.decodeDedupBatch(dedupBytes)),
    );
    add(i, "dedup batch (62 records): build and encode, µs", perCall(20_000, build));
    let parts = [];
    add(
      i,
      "dedup snapshot (200,000 versions): encode, ms",
      perCall(1, () => (parts = [...c.encodeDedupSnapshotParts(7, { versions, coverage, clock: 1 }, [1])])) / 1000,
    );
    const whole = Buffer.concat(parts);
    add(i, "dedup snapshot (200,000 versions): decode, ms", perCall(1, () => c.decodeDedupSnapshot(whole)) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`median of ${TURNS} turns; before ${roots[0]}, after ${roots[1]}`);
for (const name of figures[0].keys())
  console.log(`  ${name.padEnd(48)} ${median(figures[0].get(name)).toFixed(2).padStart(8)} → ${median(figures[1].get(name)).toFixed(2)}`);

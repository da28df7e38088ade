/**
 * Adversarial Kafka record values, deterministic for a seed: realistic lines
 * from the synthetic generator, most of them mutated the ways real streams and
 * attackers break JSON — truncated, invalid UTF-8, nested 10,000 deep,
 * `__proto__`/`constructor` keys, huge and negative numbers, strings for numbers,
 * 10,000 topics, lone surrogates in keys, values over 1 MiB. No value holds a
 * line break, so the same values, as lines, feed `run --once` too.
 */
import { Random, SyntheticSource } from "@meetuphype/pipeline";

type Json = Record<string, unknown>;

const MIB = 1024 * 1024;

/** Each mutation, applied to a parsed synthetic record or its line; returns the new value. */
const MUTATIONS: readonly ((line: string, rec: Json, rng: Random) => string | Buffer)[] = [
  (line, _r, rng) => line.slice(0, rng.int(line.length)), // truncated JSON
  (_l, _r, rng) => randomBytes(rng, 1 + rng.int(300)), // random bytes, mostly invalid UTF-8
  (line, _r, rng) =>
    Buffer.concat([
      Buffer.from(line.slice(0, 40)),
      Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from(line.slice(40)),
    ]).subarray(0, rng.int(2) === 0 ? undefined : 80),
  (line) => line.replace(/^\{/, '{"__proto__":{"guests":7,"response":"no"},"constructor":{"prototype":1},'),
  (line) => line.replace('"group_topics":[', '"group_topics":[{"urlkey":"__proto__","topic_name":"constructor"},{"urlkey":"constructor"},'),
  (_l, rec, rng) =>
    JSON.stringify({ ...rec, [rng.pick(["rsvp_id", "mtime", "guests"])]: rng.pick([1e300, -5, 0, 2 ** 53, 1.5, -0.0, 1e9]) }),
  (line) => line.replace(/"mtime":(\d+)/, '"mtime":"$1"').replace(/"rsvp_id":(\d+)/, '"rsvp_id":"$1"'), // digit strings: valid
  (_l, rec, rng) => JSON.stringify({ ...rec, [rng.pick(["mtime", "guests", "rsvp_id"])]: rng.pick(["abc", "12x", "", "-3", " 7"]) }),
  (_l, rec, rng) =>
    JSON.stringify({
      ...rec,
      group: { group_topics: [{ urlkey: rng.pick(["\ud800", "\udc00", "x\ud83d", "\ud83d\ude00"]), topic_name: "surrogate" }] },
    }),
  (_l, rec) => JSON.stringify({ ...rec, response: { yes: true }, guests: null }),
  (_l, rec) => JSON.stringify([rec]),
  () => "null",
];

/** Large mutations (tens to hundreds of KiB each): rarer, so that 100k values stay small enough to hold. */
const HEAVY: readonly ((line: string, rec: Json, rng: Random) => string)[] = [
  (line) => line.replace(/^\{/, `{"deep":${"[".repeat(10_000)}${"]".repeat(10_000)},`), // valid: unknown fields are ignored
  (_l, _r, rng) => `${"[".repeat(10_000 + rng.int(10))}${"]".repeat(10_000)}`, // deep and unbalanced: invalid
  (_l, rec) => JSON.stringify({ ...rec, group: { group_topics: Array.from({ length: 10_000 }, (_, i) => ({ urlkey: `t${i}` })) } }),
];

function randomBytes(rng: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let x = rng.int(256);
    if (x === 0x0a || x === 0x0d) x = 0x20;
    b[i] = x;
  }
  return b;
}

/** A value over `bytes` long, JSON-valid in shape (so only its size makes it invalid). */
export function oversizedValue(rec: Json, bytes: number): Buffer {
  const pad = "x".repeat(bytes);
  return Buffer.from(JSON.stringify({ ...rec, padding: pad }));
}

/** Generated RSVP lines with duplicates (re-reads), updates and malformed lines, deterministic for a seed. */
/** The largest `mtime` of the lines that parse as JSON (the clock a ranking of them reaches). */
export function maxMtime(lines: readonly string[]): number {
  let max = 0;
  for (const l of lines) {
    try {
      const m = (JSON.parse(l) as { mtime?: unknown }).mtime;
      if (typeof m === "number" && m > max) max = m;
    } catch {
      // a malformed line (the synthetic source writes some on purpose)
    }
  }
  return max;
}

export function generatedLines(n: number, seed: number): string[] {
  const src = new SyntheticSource({ seed, rate: 20, malformedRate: 0.02, rereadRate: 0.05, updateRate: 0.05 });
  return Array.from({ length: n }, () => src.next());
}

export interface FuzzOptions {
  readonly seed: number;
  readonly count: number;
  /** Share of values mutated. @default 0.4 */
  readonly mutateRate?: number;
  /** Values over 1 MiB to place (spread through the stream). @default 3 */
  readonly overOneMiB?: number;
}

/** `count` record values (Buffers); valid ones keep the synthetic stream's order. */
export function fuzzValues(o: FuzzOptions): Buffer[] {
  const rng = new Random(o.seed);
  const src = new SyntheticSource({ seed: o.seed, rate: 50, malformedRate: 0.01, rereadRate: 0.05, updateRate: 0.05 });
  const out: Buffer[] = [];
  const big = new Set(Array.from({ length: o.overOneMiB ?? 3 }, (_, i) => Math.floor(((i + 1) * o.count) / ((o.overOneMiB ?? 3) + 1))));
  for (let i = 0; i < o.count; i++) {
    const line = src.next();
    let rec: Json = {};
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) rec = v as Json;
    } catch {
      // a malformed line from the generator: mutations then work on an empty record
    }
    if (big.has(i)) out.push(oversizedValue(rec, MIB + rng.int(64 * 1024)));
    else if (rng.next() < (o.mutateRate ?? 0.4)) {
      const m = rng.next() < 0.005 ? rng.pick(HEAVY)(line, rec, rng) : rng.pick(MUTATIONS)(line, rec, rng);
      out.push(typeof m === "string" ? Buffer.from(m) : m);
    } else out.push(Buffer.from(line));
  }
  return out;
}

/**
 * Checking what viewers were served against what the topic holds: every WatchTrending snapshot
 * must be the model's ranking over exactly the records of the cut it names (each partition's
 * prefix up to `next`), at that cut's clock, and the cuts only grow.
 */
import { Kafka, logLevel } from "kafkajs";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import type { ServedSnapshot } from "@meetuphype/grpc";
import { rankingDifferences, readTopic as readTopicRecords, referenceRanking } from "@meetuphype/testkit";

export interface Stored {
  readonly partition: number;
  readonly offset: number;
  readonly line: string;
}

/** Every record of `topic` (up to its end offsets when called), read back from Kafka. */
export async function readTopic(brokers: string, topic: string): Promise<Stored[]> {
  const records = await readTopicRecords(brokers, topic);
  return records.map((r) => ({ partition: r.partition, offset: r.offset, line: r.value?.toString("utf8") ?? "" }));
}

/** The lines inside a snapshot's cut, each partition in offset order. */
export function linesInCut(s: ServedSnapshot, stored: readonly Stored[]): string[] {
  const next = new Map((s.cut ?? []).map((c) => [c.partition, c.next]));
  return stored
    .filter((r) => r.offset < (next.get(r.partition) ?? 0))
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => r.line);
}

export interface CutsVerdict {
  /** Snapshots that are not the model's ranking of their cut, described. */
  readonly wrong: string[];
  /** Snapshots whose cut held fewer records than the topic in the end. */
  readonly partial: number;
  /** Snapshots flagged as catching up. */
  readonly catchingUp: number;
  /** Whether every cut held at least the records of the one before it. */
  readonly growing: boolean;
}

export function checkServedCuts(snaps: readonly ServedSnapshot[], stored: readonly Stored[], topic: string): CutsVerdict {
  const wrong: string[] = [];
  let partial = 0;
  let catchingUp = 0;
  for (const [i, s] of snaps.entries()) {
    if ((s.inputTopic ?? topic) !== topic) wrong.push(`snapshot ${i} names topic ${s.inputTopic}`);
    const inCut = linesInCut(s, stored);
    if (inCut.length < stored.length) partial++;
    if (s.catchingUp === true) catchingUp++;
    const model = referenceRanking(inCut, DEFAULT_PARAMS);
    const diffs = rankingDifferences([...s.topics], model);
    if (s.asOfMs !== model.asOfMs) diffs.push(`asOfMs ${s.asOfMs} vs model ${model.asOfMs}`);
    if (diffs.length > 0)
      wrong.push(`snapshot ${i} (${inCut.length} records${s.stale === true ? ", stale" : ""}): ${diffs.slice(0, 3).join("; ")}`);
  }
  const sizes = snaps.map((s) => linesInCut(s, stored).length);
  const growing = sizes.every((n, i) => i === 0 || n >= (sizes[i - 1] ?? 0));
  return { wrong, partial, catchingUp, growing };
}

/** The topic's end offsets as the test saw them at one time (ms on this machine's clock). */
export interface EndsSeen {
  readonly at: number;
  readonly ends: ReadonlyMap<number, number>;
}

/** A snapshot as viewers had it: from when it came until the next one came (or watching ended). */
export interface ServedView {
  readonly snap: ServedSnapshot;
  readonly from: number;
  readonly until: number;
}

/**
 * Snapshots that stood unflagged while records waited: a snapshot in view at time T whose cut
 * is behind the end offsets the topic had at T − `graceMs` must say `catching_up` or `stale`
 * (the aggregator reads the ends every second and flags a cut behind the ends of 2 s before; the
 * grace covers that and one ranking round). Views with no end offsets read by T − `graceMs` are
 * not judged. Pure.
 */
export function unflaggedWaits(views: readonly ServedView[], seen: readonly EndsSeen[], graceMs: number): string[] {
  const out: string[] = [];
  for (const [i, v] of views.entries()) {
    if (v.snap.stale === true || v.snap.catchingUp === true) continue;
    let ends: EndsSeen | undefined;
    for (const e of seen) if (e.at <= v.until - graceMs) ends = e;
    if (ends === undefined) continue;
    const next = new Map((v.snap.cut ?? []).map((c) => [c.partition, c.next]));
    const waiting = [...ends.ends].reduce((n, [partition, end]) => n + Math.max(0, end - (next.get(partition) ?? 0)), 0);
    if (waiting > 0)
      out.push(
        `snapshot ${i} stood ${((v.until - v.from) / 1000).toFixed(1)} s unflagged with ${waiting} records waiting for ${((v.until - ends.at) / 1000).toFixed(1)} s or more` +
          // When, and what each side knew, to set beside the services' logs.
          ` (from ${new Date(v.from).toISOString()}; it said ${v.snap.recordsBehind ?? 0} records behind; cut ${positions(next)}; ends read at ${new Date(ends.at).toISOString()}: ${positions(ends.ends)})`,
      );
  }
  return out;
}

const positions = (m: ReadonlyMap<number, number>): string =>
  [...m]
    .sort(([a], [b]) => a - b)
    .map(([p, n]) => `${p}:${n}`)
    .join(" ");

/** Each snapshot with the time it stood in view; the last one until `end`. */
export function viewsOf(served: readonly { readonly snap: ServedSnapshot; readonly at: number }[], end: number): ServedView[] {
  return served.map((s, i) => ({ snap: s.snap, from: s.at, until: served[i + 1]?.at ?? end }));
}

/** Reads the topic's end offsets every `everyMs` until stopped; a read that fails is skipped. */
export function watchEnds(brokers: string, topic: string, everyMs = 500): { readonly seen: EndsSeen[]; stop(): Promise<void> } {
  const admin = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  const seen: EndsSeen[] = [];
  let stopped = false;
  const loop = (async () => {
    await admin.connect().catch(() => undefined);
    while (!stopped) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        // Stamped when the answer came: the topic held at least these records from then on.
        seen.push({ at: Date.now(), ends: new Map(offsets.map((o) => [o.partition, Number(o.high)])) });
      } catch {
        // A broker away: no reading this time.
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await admin.disconnect().catch(() => undefined);
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

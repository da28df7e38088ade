/**
 * Checking what viewers were served against what the topic holds: every WatchTrending snapshot
 * must be the model's ranking over exactly the records of the cut it names (each partition's
 * prefix up to `next`), at that cut's clock, and the cuts only grow.
 */
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

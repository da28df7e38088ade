/**
 * Ingest's result for one batch of lines in columns: what a parse thread sends back to the
 * pipeline's thread. Typed arrays move between threads without a copy, and each distinct
 * string goes once, so the receiving thread pays for a few hundred strings per batch rather
 * than for every record's object tree. Pure: no threads here.
 */
import type { Rsvp, Topic } from "@meetuphype/core";
import type { Rejection } from "./messages.js";
import { IngestLogic, type IngestResult, type Lines } from "./stages/ingest.js";
import { SharedTopics, StringTable } from "./string-table.js";

export interface ParsedBatch {
  /** Non-blank lines in the batch (each accepted or rejected). */
  readonly lines: number;
  /** Valid records, in input order; every per-record column holds `count` entries. */
  readonly count: number;
  readonly shards: Uint16Array;
  /** Each record's position in the batch of lines. */
  readonly indices: Uint32Array;
  readonly rsvpIds: Float64Array;
  readonly mtimes: Float64Array;
  readonly positive: Uint8Array;
  readonly guests: Uint16Array;
  readonly topicCounts: Uint16Array;
  /** Each record's topics in turn: indices into `strings`. */
  readonly topicKeys: Uint32Array;
  readonly topicNames: Uint32Array;
  readonly strings: readonly string[];
  readonly rejections: readonly Rejection[];
}

/** Collects one batch's records, as `IngestLogic.scan` hands them over, into columns. */
export class ParsedBatchWriter {
  private n = 0;
  private readonly shards: Uint16Array;
  private readonly indices: Uint32Array;
  private readonly rsvpIds: Float64Array;
  private readonly mtimes: Float64Array;
  private readonly positive: Uint8Array;
  private readonly guests: Uint16Array;
  private readonly topicCounts: Uint16Array;
  private readonly topicKeys: number[] = [];
  private readonly topicNames: number[] = [];
  private readonly table = new StringTable();

  /** `capacity`: the most records the batch can hold (its number of lines). */
  constructor(capacity: number) {
    this.shards = new Uint16Array(capacity);
    this.indices = new Uint32Array(capacity);
    this.rsvpIds = new Float64Array(capacity);
    this.mtimes = new Float64Array(capacity);
    this.positive = new Uint8Array(capacity);
    this.guests = new Uint16Array(capacity);
    this.topicCounts = new Uint16Array(capacity);
  }

  add(shard: number, r: Rsvp, index: number): void {
    const i = this.n++;
    if (i >= this.indices.length) throw new RangeError(`a parsed batch holds at most ${this.indices.length} records`);
    this.shards[i] = shard;
    this.indices[i] = index;
    this.rsvpIds[i] = r.rsvpId;
    this.mtimes[i] = r.mtime;
    this.positive[i] = r.positive ? 1 : 0;
    this.guests[i] = r.guests;
    this.topicCounts[i] = r.topics.length;
    for (const t of r.topics) this.table.addTopic(t, this.topicKeys, this.topicNames);
  }

  finish(rejections: readonly Rejection[], lines: number): ParsedBatch {
    const n = this.n;
    return {
      lines,
      count: n,
      shards: this.shards.subarray(0, n),
      indices: this.indices.subarray(0, n),
      rsvpIds: this.rsvpIds.subarray(0, n),
      mtimes: this.mtimes.subarray(0, n),
      positive: this.positive.subarray(0, n),
      guests: this.guests.subarray(0, n),
      topicCounts: this.topicCounts.subarray(0, n),
      topicKeys: Uint32Array.from(this.topicKeys),
      topicNames: Uint32Array.from(this.topicNames),
      strings: this.table.strings,
      rejections,
    };
  }
}

/** Validates a batch of lines as ingest does (`IngestLogic.scan`), into columns. */
export function parseToColumns(lines: Lines, includeEventNames: boolean, dedupShards: number): ParsedBatch {
  const writer = new ParsedBatchWriter(lines.length);
  const scanned = new IngestLogic(includeEventNames, dedupShards).scan(lines, (shard, r, index) => writer.add(shard, r, index));
  return writer.finish(scanned.rejections, scanned.lines);
}

/** The buffers a batch can hand to another thread instead of copying them. */
export function transferables(b: ParsedBatch): ArrayBuffer[] {
  const cols = [b.shards, b.indices, b.rsvpIds, b.mtimes, b.positive, b.guests, b.topicCounts, b.topicKeys, b.topicNames];
  return [...new Set(cols.map((c) => c.buffer as ArrayBuffer))];
}

/**
 * The records of a parsed batch, grouped by dedup shard as `IngestLogic.process` groups them.
 * Records of one batch share their topic objects (one per key and name).
 */
export function readParsedBatch(b: ParsedBatch): Pick<IngestResult, "byShard" | "indices" | "rejections" | "lines"> {
  const byShard = new Map<number, Rsvp[]>();
  const indices = new Map<number, number[]>();
  const shared = new SharedTopics(b.strings);
  let at = 0;
  for (let i = 0; i < b.count; i++) {
    const count = b.topicCounts[i]!;
    const topics = new Array<Topic>(count);
    for (let j = 0; j < count; j++, at++) {
      const t = shared.get(b.topicKeys[at]!, b.topicNames[at]!);
      if (t === undefined) throw new RangeError(`a parsed batch refers past its ${b.strings.length} strings`);
      topics[j] = t;
    }
    const rsvp: Rsvp = { rsvpId: b.rsvpIds[i]!, mtime: b.mtimes[i]!, positive: b.positive[i] === 1, guests: b.guests[i]!, topics };
    const shard = b.shards[i]!;
    const list = byShard.get(shard);
    if (list === undefined) {
      byShard.set(shard, [rsvp]);
      indices.set(shard, [b.indices[i]!]);
    } else {
      list.push(rsvp);
      indices.get(shard)!.push(b.indices[i]!);
    }
  }
  return { byShard, indices, rejections: [...b.rejections], lines: b.lines };
}

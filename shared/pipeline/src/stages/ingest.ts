/** Ingest: validates lines, advances the event clock, and groups valid records by dedup shard. */
import { parseLine, rsvpShardOf, type Rsvp } from "@meetuphype/core";
import { readRsvpBytes } from "./record-bytes.js";
import type { Rejection } from "../messages.js";

export interface IngestResult {
  /** Valid records per dedup shard, in input order. */
  readonly byShard: Map<number, Rsvp[]>;
  /** For each shard, the position in the input of each of its records (parallel to `byShard`). */
  readonly indices: Map<number, number[]>;
  readonly rejections: Rejection[];
  /** Non-blank lines in the batch (each accepted or rejected). */
  readonly lines: number;
  /** The largest valid mtime seen so far (the event clock). */
  readonly eventNow: number;
}

/** What `scan` found besides the valid records: the rejected lines, and how many lines were not blank. */
export interface ScanResult {
  readonly rejections: Rejection[];
  readonly lines: number;
}

const NON_BLANK = /\S/;
/** Blank lines (only white space) are skipped, not rejected. Checks the first character before scanning. */
const isBlank = (line: string): boolean => line.length === 0 || (line.charCodeAt(0) <= 32 && !NON_BLANK.test(line));

/**
 * The lines of one batch, read one at a time: an array of strings, or a view that decodes each
 * line when it is asked for (ingest's Kafka batches), so that a batch's lines are never all
 * alive at once.
 */
export interface Lines {
  readonly length: number;
  at(index: number): string | undefined;
  /**
   * The line's UTF-8 bytes, where the lines are bytes (Kafka values): a valid record is then read
   * from them without a string of the whole line (`readRsvpBytes`), and `at` is asked only for
   * the lines that fast path leaves to `parseLine`.
   */
  bytesAt?(index: number): Buffer | undefined;
}

/** A batch of lines given as their UTF-8 bytes (each decoded only if the fast path leaves it to `parseLine`). */
export function byteLines(values: readonly Buffer[]): Lines {
  return { length: values.length, at: (i) => values[i]?.toString("utf8"), bytesAt: (i) => values[i] };
}

export class IngestLogic {
  private eventNow = 0;

  constructor(
    private readonly includeEventNames: boolean,
    private readonly dedupShards: number,
  ) {}

  /** The largest valid mtime seen so far (0 before any). */
  get clock(): number {
    return this.eventNow;
  }

  /** Validates a batch; valid records are grouped by dedup shard (see `scan`). */
  process(lines: Lines): IngestResult {
    const byShard = new Map<number, Rsvp[]>();
    const indices = new Map<number, number[]>();
    const { rejections, lines: read } = this.scan(lines, (shard, rsvp, index) => {
      const list = byShard.get(shard);
      if (list === undefined) {
        byShard.set(shard, [rsvp]);
        indices.set(shard, [index]);
      } else {
        list.push(rsvp);
        indices.get(shard)?.push(index);
      }
    });
    return { byShard, indices, rejections, lines: read, eventNow: this.eventNow };
  }

  /**
   * Validates a batch, handing each valid record to `onRecord` as soon as it is parsed, with its
   * dedup shard and its position in the batch, in input order. Returns the rejected lines. Ingest
   * writes each record straight into its shard's message, so that no record object outlives the
   * young generation.
   */
  scan(lines: Lines, onRecord: (shard: number, rsvp: Rsvp, index: number) => void): ScanResult {
    const rejections: Rejection[] = [];
    let read = 0;
    for (let index = 0; index < lines.length; index++) {
      const bytes = lines.bytesAt?.(index);
      let rsvp = bytes === undefined ? undefined : readRsvpBytes(bytes, this.includeEventNames);
      if (rsvp === undefined) {
        // Not read from bytes (a string line, or one the fast path leaves): decoded and parsed whole.
        const raw = lines.at(index) ?? "";
        const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
        if (isBlank(line)) continue;
        const r = parseLine(line, this.includeEventNames);
        if (!r.ok) {
          read++;
          rejections.push({ index, reason: r.reason, detail: r.detail, line });
          continue;
        }
        rsvp = r.rsvp;
      }
      read++;
      if (rsvp.mtime > this.eventNow) this.eventNow = rsvp.mtime;
      onRecord(rsvpShardOf(rsvp.rsvpId, this.dedupShards), rsvp, index);
    }
    return { rejections, lines: read };
  }
}

/** Parsing and validation of one input line into an RSVP (the "Input record" of the model). */
import { extractTopics, type Topic } from "./topics.js";

/** Why a record was rejected. Each has a counter and goes to the dead-letter place. */
export const RejectReason = {
  LineTooLarge: "line_too_large",
  InvalidJson: "invalid_json",
  NotAnObject: "not_an_object",
  InvalidRsvpId: "invalid_rsvp_id",
  InvalidMtime: "invalid_mtime",
  InvalidGuests: "invalid_guests",
  TooManyTopics: "too_many_topics",
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** The largest line accepted, in bytes of UTF-8. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** The most entries `group.group_topics` may carry. */
export const MAX_GROUP_TOPICS = 200;
/** The largest `guests` accepted. */
export const MAX_GUESTS = 1000;

/** One valid RSVP version, reduced to what the model uses. */
export interface Rsvp {
  readonly rsvpId: number;
  readonly mtime: number;
  /** `response` is "yes" (trimmed, any case). */
  readonly positive: boolean;
  readonly guests: number;
  readonly topics: readonly Topic[];
}

export type ParseResult =
  { readonly ok: true; readonly rsvp: Rsvp } | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

const reject = (reason: RejectReason, detail: string): ParseResult => ({ ok: false, reason, detail });

const DIGITS = /^[0-9]+$/;

/** A positive integer ≤ 2^53-1 given as a JSON number or a string of digits, else undefined. */
export function positiveId(v: unknown): number | undefined {
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && DIGITS.test(v)) n = Number(v);
  else return undefined;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** UTF-8 byte length, computed only when the line could exceed `limit`. */
function exceedsBytes(line: string, limit: number): boolean {
  if (line.length * 3 <= limit) return false;
  if (line.length > limit) return true;
  return utf8Length(line) > limit;
}

/** The number of bytes of the UTF-8 encoding of `s` (lone surrogates count 3, as U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

const describe = (v: unknown): string => (v === undefined ? "missing" : JSON.stringify(v).slice(0, 40));

/** Parses one non-blank line. Never throws. */
export function parseLine(line: string, includeEventNames: boolean): ParseResult {
  if (exceedsBytes(line, MAX_LINE_BYTES)) {
    return reject(RejectReason.LineTooLarge, `line is larger than ${MAX_LINE_BYTES} bytes of UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return reject(RejectReason.InvalidJson, err instanceof Error ? err.message : "not JSON");
  }
  return validate(value, includeEventNames);
}

/** Validates a parsed JSON value as an RSVP. Never throws. */
export function validate(value: unknown, includeEventNames: boolean): ParseResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return reject(
      RejectReason.NotAnObject,
      `expected a JSON object, got ${Array.isArray(value) ? "array" : value === null ? "null" : typeof value}`,
    );
  }
  const o = value as Record<string, unknown>;
  const rsvpId = positiveId(o.rsvp_id);
  if (rsvpId === undefined) {
    return reject(RejectReason.InvalidRsvpId, `rsvp_id must be a positive integer, got ${describe(o.rsvp_id)}`);
  }
  const mtime = positiveId(o.mtime);
  if (mtime === undefined) {
    return reject(RejectReason.InvalidMtime, `mtime must be a positive integer, got ${describe(o.mtime)}`);
  }
  let guests = 0;
  if (o.guests !== undefined) {
    const g = o.guests;
    if (typeof g !== "number" || !Number.isInteger(g) || g < 0 || g > MAX_GUESTS) {
      return reject(RejectReason.InvalidGuests, `guests must be an integer in [0, ${MAX_GUESTS}], got ${describe(g)}`);
    }
    guests = g;
  }
  const group = o.group;
  let groupTopics: unknown[] | undefined;
  if (typeof group === "object" && group !== null) {
    const gt = (group as Record<string, unknown>).group_topics;
    if (Array.isArray(gt)) {
      if (gt.length > MAX_GROUP_TOPICS) {
        return reject(RejectReason.TooManyTopics, `group.group_topics has ${gt.length} entries, more than ${MAX_GROUP_TOPICS}`);
      }
      groupTopics = gt;
    }
  }
  const response = o.response;
  const positive = typeof response === "string" && response.trim().toLowerCase() === "yes";
  const topics = extractTopics(groupTopics, o.event, includeEventNames);
  return { ok: true, rsvp: { rsvpId, mtime, positive, guests, topics } };
}

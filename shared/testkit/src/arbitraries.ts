/** fast-check arbitraries for RSVP streams (test-only). */
import fc from "fast-check";

const BASE = Date.UTC(2024, 4, 1, 12, 0, 0);
const KEYS = ["js", "python", "go", "rust", "data", "cloud", "ai", "hiking"];

export interface RecordSpec {
  id: number;
  mtime: number;
  yes: boolean;
  guests: number;
  topics: string[];
  event: string;
}

/** One RSVP version: a few ids, a few topics, mtimes spread over up to `spreadHours`. */
export function arbRecord(spreadHours = 72): fc.Arbitrary<RecordSpec> {
  return fc.record({
    id: fc.integer({ min: 1, max: 25 }),
    mtime: fc.integer({ min: 0, max: spreadHours * 3_600_000 }).map((d) => BASE + d),
    yes: fc.boolean(),
    guests: fc.integer({ min: 0, max: 3 }),
    topics: fc.subarray(KEYS, { maxLength: 4 }),
    event: fc.constantFrom("Meetup", "Talk night", "Walk"),
  });
}

/** Serialises a record the way the stream did (urlkey, topic_name, event name). */
export function toLine(r: RecordSpec): string {
  return JSON.stringify({
    rsvp_id: r.id,
    mtime: r.mtime,
    response: r.yes ? "yes" : "no",
    guests: r.guests,
    event: { event_name: r.event },
    group: { group_topics: r.topics.map((k) => ({ urlkey: k, topic_name: k.toUpperCase() })) },
  });
}

/**
 * A stream of lines in which two versions with the same rsvp_id and mtime are
 * identical (so the ranking cannot depend on arrival order), plus the same lines
 * in another order.
 */
export function arbStreamAndShuffle(spreadHours = 72): fc.Arbitrary<{ lines: string[]; shuffled: string[] }> {
  return fc
    .uniqueArray(arbRecord(spreadHours), { selector: (r) => `${r.id}/${r.mtime}`, maxLength: 120 })
    .map((rs) => rs.flatMap((r, i) => (i % 7 === 0 ? [toLine(r), toLine(r)] : [toLine(r)])))
    .chain((lines) =>
      fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }).map((shuffled) => ({ lines, shuffled })),
    );
}

/** What a live RSVP version adds to its topics, and the deltas that apply or retract it. */
import type { Rsvp } from "./record.js";

/** One signed change to one topic's hour and minute buckets. */
export interface TopicDelta {
  readonly key: string;
  readonly name: string;
  readonly hour: number;
  readonly minute: number;
  /** `1 + guests` to add, its negation to retract. */
  readonly weight: number;
  /** The mtime of the version that caused the delta (used to prefer recent names). */
  readonly mtime: number;
}

/** A topic delta with the input position of the record that caused it (its partition and offset). */
export interface PositionedDelta extends TopicDelta {
  readonly partition: number;
  readonly offset: number;
}

/** Whether a version contributes anything: positive and with at least one topic. */
export const contributes = (r: Rsvp): boolean => r.positive && r.topics.length > 0;

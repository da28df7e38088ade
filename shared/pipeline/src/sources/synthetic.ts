/**
 * A realistic synthetic RSVP stream, the default input. Seedable and
 * deterministic: Zipf-like group and topic popularity, activity that rises and
 * falls over hours, re-reads of earlier lines, yes-to-no updates, and a few
 * malformed lines. Times are virtual: each record is `1000/rate` ms (on
 * average) after the previous one, starting at `startMs`.
 */
import { buildGroups, buildTopics, type SynthGroup } from "./catalog.js";
import { pickCumulative, Random } from "./random.js";

export interface SyntheticOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Records per second of virtual time. @default 50 */
  readonly rate?: number;
  /** Virtual time of the first record (ms since the epoch). @default 2024-05-01T00:00:00Z */
  readonly startMs?: number;
  /** Share of re-read lines (exact repeats). @default 0.03 */
  readonly rereadRate?: number;
  /** Share of updates that turn an earlier yes into a no. @default 0.02 */
  readonly updateRate?: number;
  /** Share of malformed lines. @default 0.002 */
  readonly malformedRate?: number;
}

const DAY_MS = 86_400_000;
const RECENT = 512;

export class SyntheticSource {
  private readonly rng: Random;
  private readonly groups: SynthGroup[];
  private cumulative: number[] = [];
  private cumulativeAt = -Infinity;
  private t: number;
  private nextId = 1_700_000_000;
  private readonly recent: { line: string; record: Record<string, unknown> }[] = [];
  private readonly meanGapMs: number;

  constructor(private readonly opts: SyntheticOptions = {}) {
    this.rng = new Random(opts.seed ?? 1);
    this.groups = buildGroups(this.rng, buildTopics(this.rng, 300), 400);
    this.t = opts.startMs ?? Date.UTC(2024, 4, 1);
    this.meanGapMs = 1000 / (opts.rate ?? 50);
  }

  /** The virtual time of the last record. */
  get time(): number {
    return this.t;
  }

  /** The next line of the stream. */
  next(): string {
    this.t += Math.max(1, Math.round(this.rng.exp(this.meanGapMs)));
    const u = this.rng.next();
    const reread = this.opts.rereadRate ?? 0.03;
    const update = this.opts.updateRate ?? 0.02;
    const malformed = this.opts.malformedRate ?? 0.002;
    if (u < malformed) return this.malformed();
    const earlier = this.recent.length > 0 ? this.rng.pick(this.recent) : undefined;
    if (earlier !== undefined && u < malformed + reread) return earlier.line;
    if (earlier !== undefined && u < malformed + reread + update && earlier.record.response === "yes") {
      return this.remember({ ...earlier.record, response: "no", mtime: this.t });
    }
    return this.remember(this.fresh());
  }

  private fresh(): Record<string, unknown> {
    const g = this.groups[pickCumulative(this.weights(), this.rng.next())] ?? this.groups[0];
    if (g === undefined) throw new Error("no groups");
    const event = this.rng.pick(g.events);
    const guests = this.rng.next() < 0.85 ? 0 : 1 + this.rng.int(3);
    const member = 100_000 + this.rng.int(900_000);
    return {
      venue: { venue_name: `${g.city} Hall`, lon: 0, lat: 0, venue_id: g.id * 7 },
      visibility: "public",
      response: this.rng.next() < 0.8 ? "yes" : "no",
      guests,
      member: { member_id: member, member_name: `Member ${member}` },
      rsvp_id: this.nextId++,
      mtime: this.t,
      event: {
        event_name: event.name,
        event_id: event.id,
        time: this.t + DAY_MS,
        event_url: `https://example.invalid/${g.urlname}/events/${event.id}/`,
      },
      group: {
        group_topics: g.topics.map((t) => ({ urlkey: t.urlkey, topic_name: t.name })),
        group_city: g.city,
        group_id: g.id,
        group_name: g.name,
        group_urlname: g.urlname,
      },
    };
  }

  private remember(record: Record<string, unknown>): string {
    const line = JSON.stringify(record);
    if (this.recent.length < RECENT) this.recent.push({ line, record });
    else this.recent[this.rng.int(RECENT)] = { line, record };
    return line;
  }

  private malformed(): string {
    const kind = this.rng.int(3);
    if (kind === 0) return `{"rsvp_id":${this.nextId++},"mtime":${this.t},"response":"yes","group":{"group_topics":[{"urlk`;
    if (kind === 1) return JSON.stringify({ rsvp_id: -1, mtime: this.t, response: "yes" });
    return JSON.stringify({ rsvp_id: this.nextId++, mtime: this.t, response: "yes", guests: "two" });
  }

  /** Cumulative group weights at the current virtual time, refreshed once per virtual minute. */
  private weights(): number[] {
    if (this.t - this.cumulativeAt < 60_000) return this.cumulative;
    this.cumulativeAt = this.t;
    const dayMs = this.t % DAY_MS;
    let sum = 0;
    this.cumulative = this.groups.map((g) => {
      const d = Math.min(Math.abs(dayMs - g.peakMs), DAY_MS - Math.abs(dayMs - g.peakMs));
      sum += g.weight * (0.15 + Math.exp(-(d * d) / (2 * g.widthMs * g.widthMs)));
      return sum;
    });
    return this.cumulative;
  }
}

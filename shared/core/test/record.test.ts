import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES, parseLine, RejectReason, utf8Length, type ParseResult } from "../src/index.js";

const base = { rsvp_id: 42, mtime: 1_500_000_000_000, response: "yes", guests: 0, group: { group_topics: [] } };
const line = (o: unknown): string => JSON.stringify(o);
const reasonOf = (r: ParseResult): string => (r.ok ? "ok" : r.reason);

describe("parseLine rejections", () => {
  it.each([
    ["{not json", RejectReason.InvalidJson],
    ["[1,2]", RejectReason.NotAnObject],
    ["null", RejectReason.NotAnObject],
    ['"text"', RejectReason.NotAnObject],
    [line({ ...base, rsvp_id: undefined }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: 0 }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: -3 }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: 1.5 }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: "12a" }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: "9007199254740992" }), RejectReason.InvalidRsvpId],
    [line({ ...base, rsvp_id: 9007199254740992 }), RejectReason.InvalidRsvpId],
    [line({ ...base, mtime: null }), RejectReason.InvalidMtime],
    [line({ ...base, mtime: "soon" }), RejectReason.InvalidMtime],
    [line({ ...base, guests: -1 }), RejectReason.InvalidGuests],
    [line({ ...base, guests: 1001 }), RejectReason.InvalidGuests],
    [line({ ...base, guests: "2" }), RejectReason.InvalidGuests],
    [line({ ...base, guests: 1.5 }), RejectReason.InvalidGuests],
    [line({ ...base, guests: null }), RejectReason.InvalidGuests],
    [line({ ...base, group: { group_topics: new Array(201).fill({ urlkey: "x" }) } }), RejectReason.TooManyTopics],
  ])("%s -> %s", (input, reason) => {
    const r = parseLine(input, false);
    expect(reasonOf(r)).toBe(reason);
    if (!r.ok) expect(r.detail.length).toBeGreaterThan(0);
  });

  it("rejects a line over 1 MiB of UTF-8 and accepts one just under", () => {
    const pad = (n: number): string => line({ ...base, pad: "x".repeat(n) });
    const small = line({ ...base, pad: "" });
    const exact = pad(MAX_LINE_BYTES - small.length);
    expect(utf8Length(exact)).toBe(MAX_LINE_BYTES);
    expect(parseLine(exact, false).ok).toBe(true);
    expect(reasonOf(parseLine(pad(MAX_LINE_BYTES - small.length + 1), false))).toBe(RejectReason.LineTooLarge);
    // Multi-byte text: 400k characters of 3 bytes each is over the limit.
    expect(reasonOf(parseLine(line({ ...base, pad: "€".repeat(400_000) }), false))).toBe(RejectReason.LineTooLarge);
  });
});

describe("parseLine accepted records", () => {
  it("takes ids and mtimes as numbers or digit strings", () => {
    const r = parseLine(line({ ...base, rsvp_id: "77", mtime: "1500000000001" }), false);
    expect(r.ok && r.rsvp.rsvpId === 77 && r.rsvp.mtime === 1_500_000_000_001).toBe(true);
  });

  it("reads response and guests as the model says", () => {
    const of = (o: object): { positive: boolean; guests: number } => {
      const r = parseLine(line({ ...base, ...o }), false);
      if (!r.ok) throw new Error(r.detail);
      return { positive: r.rsvp.positive, guests: r.rsvp.guests };
    };
    expect(of({ response: "  YeS " })).toEqual({ positive: true, guests: 0 });
    expect(of({ response: "no", guests: 3 })).toEqual({ positive: false, guests: 3 });
    expect(of({ response: undefined, guests: undefined })).toEqual({ positive: false, guests: 0 });
    expect(of({ response: 1 })).toEqual({ positive: false, guests: 0 });
  });

  it("ignores unknown fields and a group_topics that is not an array", () => {
    const r = parseLine(line({ ...base, extra: [1], group: { group_topics: "nope" } }), false);
    expect(r.ok && r.rsvp.topics.length === 0).toBe(true);
  });

  it("extracts, normalises and de-duplicates topics", () => {
    const r = parseLine(
      line({
        ...base,
        group: {
          group_topics: [
            { urlkey: " js ", topic_name: "  Java   Script " },
            { urlkey: "", topic_name: " Big\t\tData " },
            { urlkey: 5, topic_name: "Cloud" },
            { urlkey: "js", topic_name: "Other" },
            { topic_name: "   " },
            "not an object",
            null,
            { urlkey: "nameless" },
          ],
        },
        event: { event_name: "  Monthly   Meetup " },
      }),
      true,
    );
    if (!r.ok) throw new Error(r.detail);
    expect(r.rsvp.topics).toEqual([
      { key: "js", name: "Java Script" },
      { key: "Big Data", name: "Big Data" },
      { key: "Cloud", name: "Cloud" },
      { key: "nameless", name: "nameless" },
      { key: "event:Monthly Meetup", name: "Monthly Meetup" },
    ]);
  });

  it("leaves event names out unless asked", () => {
    const r = parseLine(line({ ...base, event: { event_name: "Party" } }), false);
    expect(r.ok && r.rsvp.topics.length).toBe(0);
  });
});

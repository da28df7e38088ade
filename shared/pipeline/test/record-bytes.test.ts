import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLine } from "@meetuphype/core";
import { captureFiles, readLines } from "@meetuphype/testkit";
import { readRsvpBytes } from "../src/index.js";

const bytes = (s: string): Buffer => Buffer.from(s, "utf8");

/** Whether the fast path answered; where it does, parseLine on the decoded line must give the same record. */
function agrees(line: Buffer, includeEventNames: boolean): boolean {
  const fast = readRsvpBytes(line, includeEventNames);
  if (fast === undefined) return false;
  expect(parseLine(line.toString("utf8"), includeEventNames)).toEqual({ ok: true, rsvp: fast });
  return true;
}

const base = {
  venue: { venue_name: "Hall", lon: -0.5, lat: 51.25, venue_id: 7 },
  response: "yes",
  guests: 2,
  member: { member_id: 1, photo: "https://x.invalid/a.jpg" },
  rsvp_id: 1700000000,
  mtime: 1714521600009,
  event: { event_name: " Rust  Night ", event_id: "ev1", time: 1714608000009 },
  group: {
    group_topics: [
      { urlkey: "rust", topic_name: "Rust" },
      { urlkey: " go ", topic_name: "Go\tLang" },
      { topic_name: "  No   Key " },
      { urlkey: "rust", topic_name: "Repeat" },
    ],
    group_id: 3,
  },
};

describe("readRsvpBytes", () => {
  it("reads a plain record as parseLine does, with and without event names", () => {
    const line = bytes(JSON.stringify(base));
    expect(agrees(line, false)).toBe(true);
    expect(agrees(line, true)).toBe(true);
    expect(readRsvpBytes(line, true)?.topics.map((t) => t.key)).toEqual(["rust", "go", "No Key", "event:Rust Night"]);
  });

  it.each([
    [
      "escaped slashes and unicode escapes in values",
      String.raw`{"rsvp_id":5,"mtime":9,"x":"http:\/\/a\/b","group":{"group_topics":[{"urlkey":"caf\u00e9","topic_name":"Caf\u00e9 \"Club\""}]}}`,
    ],
    [
      "a lone surrogate escape in a key's value",
      String.raw`{"rsvp_id":5,"mtime":9,"group":{"group_topics":[{"urlkey":"\ud800"},{"urlkey":"\udc00"}]}}`,
    ],
    ["raw UTF-8 in names", `{"rsvp_id":5,"mtime":9,"group":{"group_topics":[{"urlkey":"münchen","topic_name":"München 🍺"}]}}`],
    ["ids as strings of digits", `{"rsvp_id":"17","mtime":"1714521600009"}`],
    ["numbers in exponent and fraction form", `{"rsvp_id":1.7e1,"mtime":1714521600009.0,"guests":2E0}`],
    ["negative zero guests", `{"rsvp_id":3,"mtime":4,"guests":-0}`],
    [
      "repeated keys: the last wins",
      `{"rsvp_id":1,"mtime":4,"rsvp_id":2,"response":"no","response":" YeS ","group":{"group_topics":[{"urlkey":"a"}]},"group":{"group_topics":[{"urlkey":"b","urlkey":"c"}]}}`,
    ],
    ["a later group without topics clears the earlier ones", `{"rsvp_id":1,"mtime":4,"group":{"group_topics":[{"urlkey":"a"}]},"group":5}`],
    ["group_topics not an array", `{"rsvp_id":1,"mtime":4,"group":{"group_topics":{"urlkey":"a"}}}`],
    [
      "entries that are not objects, and values that are not strings",
      `{"rsvp_id":1,"mtime":4,"group":{"group_topics":[null,3,"x",[{"urlkey":"no"}],{"urlkey":7,"topic_name":"Seven"},{"urlkey":"k","topic_name":false}]}}`,
    ],
    ["white space of every JSON kind, and a carriage return at the end", ' \t{ "rsvp_id" :\n1 ,\r"mtime":2 , "response" : "yes" }\r'],
    ["an empty key and a nested key of the same name", `{"":1,"rsvp_id":1,"mtime":2,"member":{"rsvp_id":"bad","mtime":-1}}`],
    ["event as an array, with event names on", `{"rsvp_id":1,"mtime":2,"event":["event_name"]}`],
    [
      "200 topics, the most a record may carry",
      JSON.stringify({ rsvp_id: 1, mtime: 2, group: { group_topics: Array.from({ length: 200 }, (_, i) => ({ urlkey: `k${i}` })) } }),
    ],
  ])("%s", (_what, line) => {
    expect(agrees(bytes(line), true)).toBe(true);
    expect(agrees(bytes(line), false)).toBe(true);
  });

  it.each([
    ["not JSON", "{not json"],
    ["trailing garbage", `{"rsvp_id":1,"mtime":2}x`],
    ["a trailing comma", `{"rsvp_id":1,"mtime":2,}`],
    ["a leading zero", `{"rsvp_id":01,"mtime":2}`],
    ["a bare minus", `{"rsvp_id":1,"mtime":2,"x":-}`],
    ["a control character in a string", `{"rsvp_id":1,"mtime":2,"x":"a\u0001b"}`],
    ["a control character in a key", `{"rsvp_id":1,"mtime":2,"a\u001fb":1}`],
    ["a control character in a nested string that is not read", `{"rsvp_id":1,"mtime":2,"venue":{"n":["a\tb"]}}`],
    ["a bad escape in a nested string that is not read", String.raw`{"rsvp_id":1,"mtime":2,"venue":{"n":"\q"}}`],
    ["a bad escape in a key", String.raw`{"rsvp_id":1,"mtime":2,"\q":1}`],
    ["a bad escape", String.raw`{"rsvp_id":1,"mtime":2,"x":"\x41"}`],
    ["a short unicode escape", String.raw`{"rsvp_id":1,"mtime":2,"x":"\u12"}`],
    ["an unterminated string", `{"rsvp_id":1,"mtime":2,"x":"abc`],
    ["a byte-order mark", `\ufeff{"rsvp_id":1,"mtime":2}`],
    ["an array", "[1]"],
    ["a blank line", "  \t "],
    ["an escaped key (it could name a field)", String.raw`{"rsvp\u005fid":1,"mtime":2}`],
    ["an invalid id", `{"rsvp_id":0,"mtime":2}`],
    ["an id past 2^53", `{"rsvp_id":9007199254740992,"mtime":2}`],
    ["a missing mtime", `{"rsvp_id":1}`],
    ["guests out of range", `{"rsvp_id":1,"mtime":2,"guests":1001}`],
    ["guests as a string", `{"rsvp_id":1,"mtime":2,"guests":"1"}`],
    ["too many topics", JSON.stringify({ rsvp_id: 1, mtime: 2, group: { group_topics: new Array(201).fill({}) } })],
    ["deep nesting", `{"rsvp_id":1,"mtime":2,"x":${"[".repeat(100)}${"]".repeat(100)}}`],
  ])("leaves %s to parseLine", (_what, line) => {
    expect(readRsvpBytes(bytes(line), false)).toBeUndefined();
  });

  it("reads invalid UTF-8 inside a string as the decoded line does (U+FFFD), and leaves it outside strings to parseLine", () => {
    const inside = Buffer.concat([
      bytes(`{"rsvp_id":1,"mtime":2,"group":{"group_topics":[{"urlkey":"a`),
      Buffer.from([0xc3, 0xff, 0xe2, 0x82]),
      bytes(`b"}]}}`),
    ]);
    expect(agrees(inside, false)).toBe(true);
    expect(readRsvpBytes(inside, false)?.topics[0]?.key).toBe("a\ufffd\ufffd\ufffdb");
    const outside = Buffer.concat([bytes(`{"rsvp_id":1,"mtime":2}`), Buffer.from([0xff])]);
    expect(readRsvpBytes(outside, false)).toBeUndefined();
  });

  it("reads a line that is a view into a larger buffer, not past its end", () => {
    const whole = bytes(`{"rsvp_id":1,"mtime":2}{"rsvp_id":3,"mtime":4}`);
    expect(readRsvpBytes(whole.subarray(23), false)?.rsvpId).toBe(3);
    expect(readRsvpBytes(whole.subarray(0, 22), false)).toBeUndefined();
  });

  it("gives every topic string right when thousands of distinct ones pass through its cache, and the same string for the same bytes", () => {
    for (let i = 0; i < 20_000; i++) {
      const line = bytes(
        JSON.stringify({ rsvp_id: i + 1, mtime: 2, group: { group_topics: [{ urlkey: `k${i}`, topic_name: `N ${i % 7}` }] } }),
      );
      expect(readRsvpBytes(line, false)?.topics).toEqual([{ key: `k${i}`, name: `N ${i % 7}` }]);
    }
    const line = bytes(JSON.stringify(base));
    expect(readRsvpBytes(line, false)?.topics[0]?.name).toBe(readRsvpBytes(line, false)?.topics[0]?.name);
  });

  // Records made of the fields the model reads in every form JSON allows (and some it does not),
  // written with random white space, escapes and repeated keys, then sometimes damaged byte by
  // byte: wherever the fast path answers, parseLine gives the same record.
  const text = fc.oneof(
    fc.constantFrom("yes", " YES ", "no", "yes\u00a0", "", " ", "a  b", "\t x \n", "caf\u00e9", "\ud800", "🍺"),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: "binary", maxLength: 4 }),
  );
  const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(null, true, false), fc.constant([]), fc.constant({}));
  const id = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, "12a", "", 2 ** 53, "9007199254740991", null) },
  );
  const entry = fc.oneof(
    { weight: 5, arbitrary: fc.record({ urlkey: text, topic_name: text }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ urlkey: anyValue, topic_name: anyValue }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anyValue },
  );
  const record = fc.record(
    {
      rsvp_id: id,
      mtime: id,
      guests: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(-1, 1001, 1.5, "3", null)),
      response: fc.oneof(text, anyValue),
      group: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record({ group_topics: fc.array(entry, { maxLength: 6 }), group_id: fc.integer() }, { requiredKeys: [] }),
        },
        { weight: 1, arbitrary: anyValue },
      ),
      event: fc.oneof(fc.record({ event_name: text, time: fc.integer() }, { requiredKeys: [] }), anyValue),
      venue: fc.dictionary(fc.string({ maxLength: 4 }), anyValue, { maxKeys: 3 }),
    },
    { requiredKeys: ["rsvp_id", "mtime"] },
  );
  /** How each token is written: white space around it, escapes in strings, a key sometimes twice. */
  const style = fc.record({
    ws: fc.array(fc.constantFrom("", "", "", " ", "\t", "\n", "\r"), { minLength: 8, maxLength: 8 }),
    escape: fc.integer({ min: 0, max: 4 }),
    repeat: fc.integer({ min: 0, max: 9 }),
    seed: fc.integer(),
  });
  type Style = { ws: string[]; escape: number; repeat: number; seed: number };

  function write(v: unknown, s: Style, depth = 0): string {
    const w = (k: number) => s.ws[(k + depth + s.seed) & 7] ?? "";
    if (typeof v === "string") {
      // Escape some characters as \uXXXX or \/ (never keys: an escaped key is left to parseLine).
      if (s.escape === 0 || depth < 0) return JSON.stringify(v);
      return `"${Array.from(v, (ch, k) =>
        (k + s.seed) % s.escape === 0
          ? Array.from({ length: ch.length }, (_, j) => `\\u${ch.charCodeAt(j).toString(16).padStart(4, "0")}`).join("")
          : JSON.stringify(ch).slice(1, -1),
      )
        .join("")
        .replace(/\//g, "\\/")}"`;
    }
    if (typeof v === "number") return Number.isInteger(v) && (s.seed & 3) === 1 ? `${v}e0` : JSON.stringify(v);
    if (Array.isArray(v)) return `[${w(1)}${v.map((x) => write(x, s, depth + 1)).join(`${w(2)},${w(3)}`)}${w(4)}]`;
    if (v !== null && typeof v === "object") {
      const members = Object.entries(v).flatMap(([k, x], i) => {
        const one = `${w(5)}${JSON.stringify(k)}${w(6)}:${w(7)}${write(x, s, depth + 1)}`;
        // A repeated key, first with another value: the last must win.
        return (i + s.seed) % 10 < s.repeat / 3
          ? [`${JSON.stringify(k)}:${write(i % 2 === 0 ? null : "other", s, depth + 1)}`, one]
          : [one];
      });
      return `{${members.join(",")}${w(0)}}`;
    }
    return JSON.stringify(v) ?? "null";
  }

  const damage = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), mode: fc.constantFrom("set", "insert", "cut") }),
    },
  );

  it("agrees with parseLine on generated records wherever it answers, and answers on nearly every valid one", () => {
    let answered = 0;
    let valid = 0;
    fc.assert(
      fc.property(record, style, damage, fc.boolean(), (r, s, d, events) => {
        let line = Buffer.from(write(r, s), "utf8");
        if (d !== undefined) {
          const at = d.at % (line.length + 1);
          if (d.mode === "set" && at < line.length) line[at] = d.byte;
          else if (d.mode === "insert") line = Buffer.concat([line.subarray(0, at), Buffer.from([d.byte]), line.subarray(at)]);
          else line = line.subarray(0, at);
        }
        if (agrees(line, events)) answered++;
        if (parseLine(line.toString("utf8"), events).ok) valid++;
      }),
      { numRuns: 4000 },
    );
    // Keys are never escaped here and nesting is shallow: on a valid record only a repeated id
    // (an invalid one before the valid one) sends the fast path to parseLine.
    expect(valid).toBeGreaterThan(400);
    expect(answered / valid).toBeGreaterThan(0.9);
  });

  it("agrees with parseLine on real records damaged a byte at a time", () => {
    // The real captures (never printed): escaped slashes, nested venues and members, real names.
    const real = captureFiles()
      .flatMap((f) => readLines(f))
      .map((l) => Buffer.from(l, "utf8"));
    let answered = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), mode: fc.constantFrom("set", "insert", "drop") }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        (which, edits, events) => {
          let line = Buffer.from(real[which % real.length]!);
          for (const e of edits) {
            const at = e.at % line.length;
            if (e.mode === "set") line[at] = e.byte;
            else if (e.mode === "insert") line = Buffer.concat([line.subarray(0, at), Buffer.from([e.byte]), line.subarray(at)]);
            else line = Buffer.concat([line.subarray(0, at), line.subarray(at + 1)]);
          }
          if (agrees(line, events)) answered++;
        },
      ),
      { numRuns: 3000 },
    );
    // Most single-byte damage lands in a value the model does not read, and the line stays valid.
    expect(answered).toBeGreaterThan(1000);
  });
});

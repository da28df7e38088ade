import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deadLetter, DEAD_LETTER_MAX_VALUE_BYTES, DEAD_LETTER_PREVIEW_BYTES } from "../src/dead-letter.js";

const rejected = (value: Buffer | null) => ({
  key: Buffer.from("42"),
  value,
  reason: "line_too_large",
  detail: "line is larger than 1 MiB",
  source: "meetup/3/17",
});

describe("dead letters", () => {
  it("carry the record whole, with reason, detail and source in headers", () => {
    const l = deadLetter(rejected(Buffer.from("{not json")));
    expect(l.value?.toString()).toBe("{not json");
    expect(l.key?.toString()).toBe("42");
    expect(l.headers).toEqual({ reason: "line_too_large", detail: "line is larger than 1 MiB", source: "meetup/3/17" });
  });

  it("cut a value too large for the topic to a preview, with its size and hash", () => {
    const big = Buffer.alloc(4_194_189, 0x61);
    const l = deadLetter(rejected(big));
    expect((l.value as Buffer).length).toBe(DEAD_LETTER_PREVIEW_BYTES);
    expect(l.headers?.truncated).toBe("true");
    expect(l.headers?.["original-bytes"]).toBe("4194189");
    expect(l.headers?.sha256).toBe(createHash("sha256").update(big).digest("hex"));
  });

  it("keep a value at the limit whole", () => {
    const l = deadLetter(rejected(Buffer.alloc(DEAD_LETTER_MAX_VALUE_BYTES, 0x62)));
    expect((l.value as Buffer).length).toBe(DEAD_LETTER_MAX_VALUE_BYTES);
    expect(l.headers?.truncated).toBeUndefined();
  });

  it("cut to a smaller limit when asked (a topic that refused the first cut)", () => {
    const l = deadLetter(rejected(Buffer.alloc(5000, 0x63)), 1024);
    expect((l.value as Buffer).length).toBe(1024);
    expect(l.headers?.["original-bytes"]).toBe("5000");
  });

  it("handle a record without a value", () => {
    expect(deadLetter(rejected(null)).value).toBeNull();
  });
});

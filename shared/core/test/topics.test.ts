import { describe, expect, it } from "vitest";
import { normalizeName } from "../src/index.js";

describe("normalizeName", () => {
  it.each([
    ["plain", "plain"],
    ["  padded  ", "padded"],
    ["a\tb", "a b"],
    ["a \n\t b", "a b"],
    ["a\u00a0b", "a b"],
    ["one two", "one two"],
    ["", ""],
  ])("%j -> %j", (input, out) => {
    expect(normalizeName(input)).toBe(out);
  });
});

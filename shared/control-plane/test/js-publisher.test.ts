import { describe, expect, it } from "vitest";
import { parsePublishAck } from "../src/index.js";

describe("parsePublishAck", () => {
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
  it("reads an acknowledgement, a stream error, and says what is wrong with anything else", () => {
    expect(parsePublishAck("s", bytes('{"stream":"S","seq":4}'))).toEqual({ stream: "S", seq: 4, duplicate: false });
    expect(parsePublishAck("s", bytes('{"stream":"S","seq":4,"duplicate":true}'))).toEqual({ stream: "S", seq: 4, duplicate: true });
    expect(parsePublishAck("s", bytes('{"error":{"code":400,"description":"bad"}}'))).toMatchObject({
      code: "stream_error",
      message: "publish to s: bad (400)",
    });
    expect(parsePublishAck("s", bytes("nope"))).toMatchObject({ code: "bad_ack" });
    expect(parsePublishAck("s", bytes('{"stream":"S"}'))).toMatchObject({ code: "bad_ack" });
  });
});

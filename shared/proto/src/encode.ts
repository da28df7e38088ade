/**
 * Encoding through one reused writer. `Message.encode(m).finish()` starts a new writer each
 * time, which grows its buffer from 128 bytes by doubling: a 20 KB message costs eight
 * allocations and copies before the final one. The hot messages are encoded here instead; the
 * writer keeps its buffer between calls (encoding is synchronous, so calls never interleave).
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";

/** A writer that grew past this is dropped after use, so one huge message does not pin its buffer. */
const KEEP_BYTES = 4 * 1024 * 1024;
let writer = new BinaryWriter();

/** The encoding functions of a generated message type. */
export interface Encodes<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/** The wire form of `message` (a copy: the writer's buffer is reused). */
export function encodeMessage<T>(type: Encodes<T>, message: T): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = type.encode(message, writer).finish();
  } catch (err) {
    writer = new BinaryWriter(); // half a message may be in it
    throw err;
  }
  if (bytes.length > KEEP_BYTES) writer = new BinaryWriter();
  return bytes;
}

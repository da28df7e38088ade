/**
 * Encoding through one reused writer. `Message.encode(m).finish()` starts a new writer each
 * time, which grows its buffer from 128 bytes by doubling: a 20 KB message costs eight
 * allocations and copies before the final one. The hot messages are encoded here instead; the
 * writer keeps its buffer between calls (encoding is synchronous, so calls never interleave).
 * Both ways, int64 fields go as numbers without BigInt (int64.ts).
 */
import type { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { NumberInt64Reader, NumberInt64Writer } from "./int64.js";

/** A writer that grew past this is dropped after use, so one huge message does not pin its buffer. */
const KEEP_BYTES = 4 * 1024 * 1024;
let writer = new NumberInt64Writer();

/** The encoding functions of a generated message type. */
export interface Encodes<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/** The decoding function of a generated message type. */
export interface Decodes<T> {
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

/** Reads `bytes` as a message of `type`, its int64 fields as numbers without BigInt (int64.ts). */
export const decodeMessage = <T>(type: Decodes<T>, bytes: Uint8Array): T => type.decode(new NumberInt64Reader(bytes));

/** The wire form of `message` (a copy: the writer's buffer is reused). */
export function encodeMessage<T>(type: Encodes<T>, message: T): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = type.encode(message, writer).finish();
  } catch (err) {
    writer = new NumberInt64Writer(); // half a message may be in it
    throw err;
  }
  if (bytes.length > KEEP_BYTES) writer = new NumberInt64Writer();
  return bytes;
}

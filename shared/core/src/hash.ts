/**
 * The one stable hash of the project: 32-bit FNV-1a over the UTF-8 bytes of a
 * string. Topic keys and rsvp_ids (as decimal strings) are placed on virtual
 * shards with `shardOf`. Changing this function moves every shard's state, so it
 * is fixed; docs/architecture.md documents it with test vectors.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a32(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
    }
    if (cp < 0x80) {
      h = Math.imul(h ^ cp, FNV_PRIME);
    } else if (cp < 0x800) {
      h = Math.imul(h ^ (0xc0 | (cp >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
    } else if (cp < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (cp >> 12)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
    } else {
      h = Math.imul(h ^ (0xf0 | (cp >> 18)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 12) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), FNV_PRIME);
    }
  }
  return h >>> 0;
}

/** The same hash over bytes (for a string's UTF-8, equal to `fnv1a32` of the string); over `from` to `to` when given. */
export function fnv1a32Bytes(b: Uint8Array, from = 0, to = b.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, FNV_PRIME);
  return h >>> 0;
}

/** The virtual shard (0 .. shards-1) of a key. */
export function shardOf(key: string, shards: number): number {
  return fnv1a32(key) % shards;
}

/** The virtual shard of an rsvp_id: the hash of its decimal form. */
export function rsvpShardOf(rsvpId: number, shards: number): number {
  return fnv1a32(String(rsvpId)) % shards;
}

/**
 * Which replica should own which shard: rendezvous (highest random weight)
 * hashing over the live replicas. Pure. When a replica joins or leaves, only
 * the shards it wins or held move.
 */
import { fnv1a32 } from "@meetuphype/core";

/** MurmurHash3's 32-bit finaliser: FNV-1a alone spreads keys that differ only in a few characters poorly. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The desired owner of `shard` among `members` (undefined when there are none). */
export function ownerOf(shard: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const m of members) {
    const score = mix32(fnv1a32(`${m}/${shard}`));
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/** The shards (0..shards-1) that `member` should own. */
export function shardsOf(member: string, members: readonly string[], shards: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < shards; s++) if (ownerOf(s, members) === member) out.push(s);
  return out;
}

/** Ranking order, per-shard top-K and the merge of shard top-Ks into a global top-N. */

export interface RankedTopic {
  readonly key: string;
  readonly name: string;
  readonly score: number;
}

/** Score descending, then key ascending (UTF-16 code unit order). */
export function compareRanked(a: RankedTopic, b: RankedTopic): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The best `k` topics in ranking order. */
export function topK(topics: readonly RankedTopic[], k: number): RankedTopic[] {
  return [...topics].sort(compareRanked).slice(0, k);
}

/**
 * Merges shard top-Ks into the global top-N. Each topic lives in exactly one
 * shard, and each shard list holds that shard's best `k >= n` topics, so the
 * global best `n` are among them.
 */
export function mergeTopK(lists: Iterable<readonly RankedTopic[]>, n: number): RankedTopic[] {
  const all: RankedTopic[] = [];
  for (const l of lists) for (const t of l) all.push(t);
  return topK(all, n);
}

/** Whether two rankings list the same topics, names and scores in the same order. */
export function sameRanking(a: readonly RankedTopic[], b: readonly RankedTopic[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((t, i) => {
    const u = b[i];
    return u !== undefined && t.key === u.key && t.name === u.name && t.score === u.score;
  });
}

/** Assertions that a served ranking equals the model's, as docs/trending-model.md defines "equal". */
import type { ModelResult } from "./reference-model.js";

export interface ServedTopic {
  rank: number;
  key: string;
  name: string;
  score: number;
}

/** Relative tolerance for scores (the contract's 1e-9). */
export const SCORE_TOLERANCE = 1e-9;

const close = (a: number, b: number): boolean => Math.abs(a - b) <= SCORE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));

/** Lists every way `served` differs from the model's ranking (empty when equal). */
export function rankingDifferences(served: readonly ServedTopic[], model: ModelResult): string[] {
  const diffs: string[] = [];
  if (served.length !== model.topics.length) {
    diffs.push(`length: served ${served.length}, model ${model.topics.length}`);
  }
  const n = Math.min(served.length, model.topics.length);
  for (let i = 0; i < n; i++) {
    const s = served[i];
    const m = model.topics[i];
    if (s === undefined || m === undefined) continue;
    if (s.rank !== i + 1) diffs.push(`#${i + 1}: rank field is ${s.rank}`);
    if (!close(s.score, m.score)) diffs.push(`#${i + 1}: score ${s.score} vs model ${m.score} (${m.key})`);
    if (s.key !== m.key) {
      // Topics whose scores differ by less than the tolerance may trade places.
      const twin = model.topics.find((t) => t.key === s.key);
      if (twin === undefined || !close(twin.score, m.score))
        diffs.push(`#${i + 1}: key ${JSON.stringify(s.key)} vs model ${JSON.stringify(m.key)}`);
    } else if (!m.names.has(s.name)) {
      diffs.push(`#${i + 1}: name of ${JSON.stringify(s.key)} was never seen with it`);
    }
  }
  return diffs;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string as it arrives after a trip through UTF-8 (a proto `string`, e.g. over gRPC): lone surrogates become U+FFFD. */
export const overUtf8 = (s: string): string => s.replace(LONE_SURROGATE, "\ufffd");

/**
 * The model's ranking as a gRPC client sees it: keys exact (each topic carries its key's
 * WTF-8 bytes, `key_wtf8`, so that keys differing only in lone surrogates stay two), names
 * as proto strings (UTF-8: a lone surrogate in a name arrives as U+FFFD).
 */
export function modelOverUtf8(model: ModelResult): ModelResult {
  return {
    ...model,
    topics: model.topics.map((t) => ({ ...t, names: new Set([...t.names].map(overUtf8)) })),
  };
}

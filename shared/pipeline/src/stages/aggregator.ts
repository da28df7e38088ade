/**
 * Aggregator: ranks in rounds of two steps. A probe asks every counter shard how
 * far it has every delta (its coverage); the meet of the answers, never behind a
 * cut asked before, is the round's cut, and a rank request asks every shard for
 * its top-K over that cut at the cut's clock. Once every shard ranked it, the
 * merge is the model's global top-N over exactly that cut. For one shard, the
 * answer of the latest lease epoch counts; a round in which a shard cannot rank
 * the cut yields nothing (the last ranking stays served). Pure.
 */
import { covers, join, meet, mergeTopK, type Marks } from "@meetuphype/core";
import type { RankRequest, ShardTopK } from "../messages.js";
import { toSnapshot, type Snapshot } from "../snapshot.js";

interface Round {
  phase: "probe" | "rank";
  readonly answers: Map<number, ShardTopK>;
  cut: Marks;
}

/** What an answer leads to: the round's rank request once every shard was probed, or the merged ranking. */
export type RoundStep =
  { readonly kind: "rank"; readonly request: RankRequest } | { readonly kind: "ranking"; readonly snapshot: Snapshot };

/** Why rounds have yielded no ranking since the last one: `reason` stays the same while the cause does; `detail` has the figures. */
export interface Stuck {
  readonly reason: string;
  readonly detail: string;
}

/** Rounds kept open at most (a round whose answers never all come is dropped when newer ones start). */
const OPEN_ROUNDS = 16;

export class AggregatorLogic {
  private readonly rounds = new Map<number, Round>();
  private asked: Marks = [];
  private stuckSince: Stuck | undefined;

  /**
   * @param nowOf the ranking's `now` for a cut: its clock (event clock) or the wall clock.
   * @param from the latest cut asked before (a restarted aggregator's): no cut behind it is asked.
   */
  constructor(
    private readonly counterShards: number,
    private readonly topN: number,
    private readonly nowOf: (cut: Marks) => number,
    from: Marks = [],
  ) {
    this.asked = from;
  }

  /** The latest cut asked for: every later one covers it. */
  get cut(): Marks {
    return this.asked;
  }

  /** Starts round `seq`: the probe to send to every counter shard. */
  probe(seq: number): RankRequest {
    this.rounds.set(seq, { phase: "probe", answers: new Map(), cut: [] });
    for (const [s, round] of this.rounds)
      if (s <= seq - OPEN_ROUNDS) {
        this.rounds.delete(s);
        this.stuckSince = unanswered(s, round, this.counterShards);
      }
    return { kind: "rank", seq, now: 0, k: this.topN, cut: [], probe: true };
  }

  /** Takes a shard's answer; returns the round's next step when this answer completes a step. */
  accept(msg: ShardTopK): RoundStep | undefined {
    const round = this.rounds.get(msg.seq);
    if (round === undefined) return undefined;
    const prev = round.answers.get(msg.shard);
    if (prev !== undefined && (prev.epoch ?? 0) > (msg.epoch ?? 0)) return undefined;
    round.answers.set(msg.shard, msg);
    if (round.answers.size < this.counterShards) return undefined;
    if (round.phase === "probe") {
      const cut = join(
        this.asked,
        meet(
          [...round.answers.values()].map((a) => a.coverage),
          this.counterShards,
        ),
      );
      this.asked = cut;
      round.phase = "rank";
      round.cut = cut;
      round.answers.clear();
      return { kind: "rank", request: { kind: "rank", seq: msg.seq, now: this.nowOf(cut), k: this.topN, cut, probe: false } };
    }
    this.rounds.delete(msg.seq);
    // A shard that cannot rank the cut (behind it, or past it after a restart): this round yields nothing.
    const unranked = [...round.answers.values()].filter((a) => !a.ranked);
    if (unranked.length > 0) {
      this.stuckSince = cannotRank(msg.seq, round.cut, unranked);
      return undefined;
    }
    this.stuckSince = undefined;
    // Older rounds can no longer complete usefully: this ranking's cut covers theirs.
    for (const s of this.rounds.keys()) if (s < msg.seq) this.rounds.delete(s);
    const snapshot = toSnapshot(
      msg.now,
      mergeTopK(
        [...round.answers.values()].map((a) => a.topics),
        this.topN,
      ),
    );
    return { kind: "ranking", snapshot: { ...snapshot, cut: round.cut } };
  }

  /** Why no round has ranked since the last ranking (undefined when the last round that ended ranked). */
  get stuck(): Stuck | undefined {
    return this.stuckSince;
  }
}

const shardList = (shards: readonly number[]): string =>
  shards.length <= 8 ? shards.join(",") : `${shards.slice(0, 8).join(",")} and ${shards.length - 8} more`;
const cutText = (cut: Marks): string => (cut.length === 0 ? "nothing" : cut.map((m) => `${m.partition}:${m.next}`).join(" "));

/** A rank round some shards answered without a ranking: behind its cut, or with counts past it. */
function cannotRank(seq: number, cut: Marks, unranked: readonly ShardTopK[]): Stuck {
  const behind = unranked.filter((a) => !covers(a.coverage, cut));
  const past = unranked.filter((a) => covers(a.coverage, cut));
  const parts = [
    ...(behind.length > 0 ? [`counter shards ${shardList(behind.map((a) => a.shard))} are missing deltas of the cut asked`] : []),
    ...(past.length > 0 ? [`counter shards ${shardList(past.map((a) => a.shard))} have counted past the cut asked`] : []),
  ];
  const first = behind[0];
  const detail =
    `round ${seq}, cut ${cutText(cut)}` + (first === undefined ? "" : `; shard ${first.shard} covers ${cutText(first.coverage)}`);
  return { reason: parts.join("; "), detail };
}

/** A round dropped before every shard answered its current step. */
function unanswered(seq: number, round: Round, shards: number): Stuck {
  const missing: number[] = [];
  for (let s = 0; s < shards; s++) if (!round.answers.has(s)) missing.push(s);
  const step = round.phase === "probe" ? "probe" : "rank request";
  return {
    reason: `no answer to a ${step} from counter shards ${shardList(missing)} within ${OPEN_ROUNDS} rounds`,
    detail: `round ${seq}` + (round.phase === "rank" ? `, cut ${cutText(round.cut)}` : ""),
  };
}

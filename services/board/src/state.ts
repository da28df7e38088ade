/**
 * What the board knows: the current ranking (as GetTrending sends it), the state of its
 * upstream, and the ranking's recent past. Each change goes to every viewer.
 */
import { historyPointOf, RankingHistory, type HistoryPoint } from "@meetuphype/core";
import { keyFromWire, type ServedHistory } from "@meetuphype/grpc";
import type { TrendingSnapshot } from "@meetuphype/proto";
import type { Fanout } from "./fanout.js";

export interface UpstreamState {
  readonly connected: boolean;
  /** Since when (ms since the epoch, wall clock). */
  readonly since: number;
  /** Why it is not connected. */
  readonly reason?: string;
}

/** GetTrending's fields as the board serves them in JSON: each key exact (JSON carries lone surrogates), no bytes. */
export type BoardSnapshot = Omit<TrendingSnapshot, "topics"> & {
  readonly topics: readonly { rank: number; key: string; name: string; score: number }[];
};

export class BoardState {
  snapshot: BoardSnapshot | undefined;
  upstream: UpstreamState;
  history: RankingHistory;
  private readonly recordsHistory: boolean;

  /** `history` and `recordsHistory: false` when another part keeps the history (`run`). */
  constructor(
    private readonly fanout: Fanout,
    now: number,
    o: { history?: RankingHistory; recordsHistory?: boolean } = {},
  ) {
    this.upstream = { connected: false, since: now, reason: "not connected yet" };
    this.history = o.history ?? new RankingHistory();
    this.recordsHistory = o.recordsHistory ?? true;
  }

  /** Ready to serve viewers: connected upstream, with a ranking. */
  get ready(): boolean {
    return this.upstream.connected && this.snapshot !== undefined;
  }

  setSnapshot(w: TrendingSnapshot): void {
    const s: BoardSnapshot = { ...w, topics: w.topics.map((t) => ({ rank: t.rank, key: keyFromWire(t), name: t.name, score: t.score })) };
    this.snapshot = s;
    const point = this.recordsHistory ? historyPointOf(s) : undefined;
    if (point !== undefined) this.history.record(point);
    this.fanout.publish("snapshot", s);
  }

  setUpstream(u: UpstreamState): void {
    if (u.connected === this.upstream.connected && u.reason === this.upstream.reason) return;
    this.upstream = u;
    this.fanout.publish("upstream", u);
  }

  /** The upstream's history (on each connect): it knows more than this board, which may have just started. */
  replaceHistory(h: ServedHistory): void {
    const fresh = new RankingHistory(h.resolutionMs, h.horizonMs > 0 ? h.horizonMs : this.history.horizonMs);
    for (const p of [...h.points, ...this.history.list()]) fresh.record(p);
    this.history = fresh;
  }

  historyJson(): { resolutionMs: number; horizonMs: number; points: HistoryPoint[] } {
    return { resolutionMs: this.history.resolutionMs, horizonMs: this.history.horizonMs, points: this.history.list() };
  }
}

/** What the page receives: /api/trending and the `snapshot` and `upstream` events of /api/stream. */

export interface Topic {
  readonly rank: number;
  readonly key: string;
  readonly name: string;
  readonly score: number;
}

export interface Parameters {
  readonly topN: number;
  readonly windowDays: number;
  readonly decay: number;
  readonly idleMinutes: number;
  readonly includeEventNames: boolean;
  readonly clock: string;
}

/** A ranking as /api/trending and the `snapshot` events send it. */
export interface Snapshot {
  readonly asOfMs: number;
  readonly topics: readonly Topic[];
  readonly parameters?: Parameters;
  readonly stale: boolean;
  readonly catchingUp: boolean;
  readonly pendingMessages: number;
  readonly recordsBehind?: number;
}

/** The board's own source. `reason` is for the log and for tools, never shown on the page. */
export interface Upstream {
  readonly connected: boolean;
  readonly since: number;
  readonly reason?: string;
}

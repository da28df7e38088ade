/** When a line is due: as fast as possible, at a fixed rate, or at N× the capture's own pace (by mtime). Pure. */
import { positiveId } from "@meetuphype/core";

export interface Pacer {
  /** Wall-clock ms (relative to the start) at which `line`, the `index`-th, is due. */
  dueAt(line: string, index: number): number;
}

export const unpaced: Pacer = { dueAt: () => 0 };

export function ratePacer(rate: number): Pacer {
  return { dueAt: (_line, index) => (index / rate) * 1000 };
}

/** Replays at `speedup` times the pace of the capture's mtimes; the first line's mtime is time zero. Lines without one go at once. */
export function speedupPacer(speedup: number): Pacer {
  let t0: number | undefined;
  let last = 0;
  return {
    dueAt(line) {
      const mtime = mtimeOf(line);
      if (mtime === undefined) return last;
      t0 ??= mtime;
      last = Math.max(last, (mtime - t0) / speedup);
      return last;
    },
  };
}

export function mtimeOf(line: string): number | undefined {
  try {
    const o = JSON.parse(line) as { mtime?: unknown };
    return typeof o === "object" && o !== null ? positiveId(o.mtime) : undefined;
  } catch {
    return undefined;
  }
}

/** The Kafka key of a line: its rsvp_id when it parses, else none. */
export function keyOf(line: string): string | null {
  try {
    const o = JSON.parse(line) as { rsvp_id?: unknown };
    const id = typeof o === "object" && o !== null ? positiveId(o.rsvp_id) : undefined;
    return id === undefined ? null : String(id);
  } catch {
    return null;
  }
}

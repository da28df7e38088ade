/**
 * A plain, deliberately simple implementation of docs/trending-model.md, used
 * only by tests as the oracle. It shares no code with @meetuphype/core beyond
 * the parameter type: it re-reads the spec literally, keeps every version, and
 * computes the ranking once at the end.
 */
import type { TrendingParams } from "@meetuphype/core";

export interface ModelTopic {
  rank: number;
  key: string;
  /** Every name seen with the key (any of them is a correct display name). */
  names: Set<string>;
  score: number;
}

export interface ModelResult {
  asOfMs: number;
  topics: ModelTopic[];
  lines: number;
  accepted: number;
  rejected: Record<string, number>;
  ignoredVersions: number;
}

interface Version {
  mtime: number;
  yes: boolean;
  guests: number;
  topics: { key: string; name: string }[];
}

const H = 3_600_000;
const M = 60_000;

function posInt(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v) && v > 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  if (typeof v === "string" && /^[0-9]+$/.test(v)) {
    const n = Number(v);
    if (n > 0 && n <= Number.MAX_SAFE_INTEGER) return n;
  }
  return null;
}

const clean = (s: string): string => s.trim().replace(/\s+/g, " ");

function reasonOf(line: string): string | { id: number; v: Version; event: unknown; gt: unknown[] } {
  if (new TextEncoder().encode(line).length > 1024 * 1024) return "line_too_large";
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return "invalid_json";
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) return "not_an_object";
  const r = o as Record<string, unknown>;
  const id = posInt(r.rsvp_id);
  if (id === null) return "invalid_rsvp_id";
  const mtime = posInt(r.mtime);
  if (mtime === null) return "invalid_mtime";
  let guests = 0;
  if ("guests" in r && r.guests !== undefined) {
    if (typeof r.guests !== "number" || !Number.isInteger(r.guests) || r.guests < 0 || r.guests > 1000) return "invalid_guests";
    guests = r.guests;
  }
  const group = r.group as Record<string, unknown> | null | undefined;
  const gt = group !== null && typeof group === "object" && Array.isArray(group.group_topics) ? (group.group_topics as unknown[]) : [];
  if (gt.length > 200) return "too_many_topics";
  const yes = typeof r.response === "string" && r.response.trim().toLowerCase() === "yes";
  return { id, v: { mtime, yes, guests, topics: [] }, event: r.event, gt };
}

/** The model's rejection reason for a non-blank line, or undefined when the line is valid. */
export function referenceRejection(line: string): string | undefined {
  const r = reasonOf(line);
  return typeof r === "string" ? r : undefined;
}

function topicsOf(gt: unknown[], event: unknown, withEvents: boolean): { key: string; name: string }[] {
  const out: { key: string; name: string }[] = [];
  const add = (key: string, name: string): void => {
    if (key !== "" && !out.some((t) => t.key === key)) out.push({ key, name: name === "" ? key : name });
  };
  for (const e of gt) {
    if (e === null || typeof e !== "object" || Array.isArray(e)) continue;
    const x = e as Record<string, unknown>;
    const urlkey = typeof x.urlkey === "string" ? x.urlkey.trim() : "";
    const name = typeof x.topic_name === "string" ? clean(x.topic_name) : "";
    add(urlkey !== "" ? urlkey : name, name);
  }
  if (withEvents && event !== null && typeof event === "object") {
    const n = (event as Record<string, unknown>).event_name;
    if (typeof n === "string" && clean(n) !== "") add(`event:${clean(n)}`, clean(n));
  }
  return out;
}

/** The ranking the model defines over `lines` (processed in order) with `params` and event clock. */
export function referenceRanking(lines: readonly string[], params: TrendingParams, processingNow?: number): ModelResult {
  const result: ModelResult = { asOfMs: 0, topics: [], lines: 0, accepted: 0, rejected: {}, ignoredVersions: 0 };
  const live = new Map<number, Version>();
  let now = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    result.lines++;
    const r = reasonOf(line);
    if (typeof r === "string") {
      result.rejected[r] = (result.rejected[r] ?? 0) + 1;
      continue;
    }
    result.accepted++;
    now = Math.max(now, r.v.mtime);
    const prev = live.get(r.id);
    if (prev !== undefined && r.v.mtime <= prev.mtime) {
      result.ignoredVersions++;
      continue;
    }
    r.v.topics = topicsOf(r.gt, r.event, params.includeEventNames);
    live.set(r.id, r.v);
  }
  if (processingNow !== undefined) now = processingNow;
  result.asOfMs = now;

  const hours = new Map<string, Map<number, number>>();
  const minutes = new Map<string, Map<number, number>>();
  const names = new Map<string, Set<string>>();
  for (const v of live.values()) {
    if (!v.yes) continue;
    for (const t of v.topics) {
      const hb = hours.get(t.key) ?? new Map<number, number>();
      hours.set(t.key, hb);
      const h = Math.floor(v.mtime / H);
      hb.set(h, (hb.get(h) ?? 0) + 1 + v.guests);
      const mb = minutes.get(t.key) ?? new Map<number, number>();
      minutes.set(t.key, mb);
      const m = Math.floor(v.mtime / M);
      mb.set(m, (mb.get(m) ?? 0) + 1 + v.guests);
      const ns = names.get(t.key) ?? new Set<string>();
      ns.add(t.name);
      names.set(t.key, ns);
    }
  }
  const c = Math.floor(now / H);
  const lo = Math.floor((now - params.idleMinutes * M) / M);
  const hi = Math.floor(now / M);
  const ranked: ModelTopic[] = [];
  for (const [key, hb] of hours) {
    const bs = [...hb.keys()].filter((b) => b >= c - 24 * params.windowDays).sort((a, b) => a - b);
    let score = 0;
    for (const b of bs) score += (hb.get(b) ?? 0) / Math.pow(Math.abs(c - b) + 1, params.decay);
    let recent = 0;
    for (const [m, n] of minutes.get(key) ?? []) if (m >= lo && m <= hi) recent += n;
    if (recent > 0 && score > 0) ranked.push({ rank: 0, key, names: names.get(key) ?? new Set(), score });
  }
  ranked.sort((a, b) => (a.score !== b.score ? b.score - a.score : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  result.topics = ranked.slice(0, params.topN).map((t, i) => ({ ...t, rank: i + 1 }));
  return result;
}

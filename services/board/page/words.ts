/** Times, scores, the parameters, what the score means, and each topic's Meetup page, as the page says them. Pure. */
import type { Parameters } from "./types.js";

/** "2017-03-18 20:15 UTC": the ranking's time (the trending clock), in UTC. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Scores as the console prints them: up to 2 decimals. */
export const formatScore = (s: number): string => (Math.round(s * 100) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 });

export function parametersText(p: Parameters | undefined): string {
  if (p === undefined) return "";
  const events = p.includeEventNames ? ", event names counted" : "";
  return `top ${p.topN} · window ${p.windowDays} d · decay ${p.decay} · idle ${p.idleMinutes} min · ${p.clock} clock${events}`;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;

/** What a score counts, in plain words, for the parameters of the ranking (../shared/docs/trending-model.md). */
export function scoreExplanation(p: Parameters | undefined): string {
  if (p === undefined) return "";
  const counted = p.includeEventNames ? "a Meetup group with this topic, or an event of that name" : "a Meetup group with this topic";
  const weight =
    p.decay === 0
      ? "every hour counts the same"
      : p.decay === 1
        ? "each hour's count is divided by its age in hours plus one, so this hour counts fully, the previous hour half, the one before a third"
        : `each hour's count is divided by (its age in hours plus one) to the power ${p.decay}, so recent hours count most`;
  const now = p.clock === "event" ? "the time of the newest RSVP" : "the clock";
  return (
    `A topic's score counts the people who said yes to an event of ${counted}, guests included, ` +
    `over the last ${plural(p.windowDays, "day")}; ${weight}. A topic leaves the board after ` +
    `${p.idleMinutes} minutes without a new yes. "Now" is ${now}.`
  );
}

/**
 * The topic's page on Meetup, where the key is a topic's `urlkey` (no white space, not an
 * event name); undefined otherwise, or when the key cannot be written in a URL (a lone surrogate).
 */
export function topicUrl(key: string): string | undefined {
  if (key === "" || /\s|\//.test(key) || key.startsWith("event:")) return undefined;
  try {
    return `https://www.meetup.com/topics/${encodeURIComponent(key)}/`;
  } catch {
    return undefined;
  }
}

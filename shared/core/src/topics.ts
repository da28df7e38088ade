/** Topic extraction: which topic keys and display names a record carries. */
export interface Topic {
  readonly key: string;
  readonly name: string;
}

const WS = /\s+/g;
/** Two white-space characters in a row, or one that is not a plain space. */
const NEEDS_COLLAPSE = /\s\s|[^\S ]/;

/** Trims and collapses inner runs of white space to one space. */
export function normalizeName(s: string): string {
  const t = s.trim();
  return NEEDS_COLLAPSE.test(t) ? t.replace(WS, " ") : t;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The distinct topics of a parsed record, in first-seen order. `groupTopics` is
 * the value of `group.group_topics` (already checked to be an array or absent).
 */
export function extractTopics(groupTopics: readonly unknown[] | undefined, event: unknown, includeEventNames: boolean): Topic[] {
  const out: Topic[] = [];
  const seen = new Set<string>();
  if (groupTopics !== undefined) {
    for (const entry of groupTopics) {
      if (!isObject(entry)) continue;
      const urlkey = typeof entry.urlkey === "string" ? entry.urlkey.trim() : "";
      const rawName = entry.topic_name;
      const name = typeof rawName === "string" ? normalizeName(rawName) : "";
      const key = urlkey !== "" ? urlkey : name;
      if (key === "" || seen.has(key)) continue;
      seen.add(key);
      out.push({ key, name: name !== "" ? name : key });
    }
  }
  if (includeEventNames && isObject(event) && typeof event.event_name === "string") {
    const name = normalizeName(event.event_name);
    const key = `event:${name}`;
    if (name !== "" && !seen.has(key)) out.push({ key, name });
  }
  return out;
}

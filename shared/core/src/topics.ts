/** Topic extraction: which topic keys and display names a record carries. */
export interface Topic {
  readonly key: string;
  readonly name: string;
}

const WS = /\s+/g;
/** Two white-space characters in a row, or one that is not a plain space. */
const NEEDS_COLLAPSE = /\s\s|[^\S ]/;

/**
 * Whether `t` holds white space to collapse. Names are short and nearly always printable ASCII
 * with single spaces: a loop over their code units answers those without the regular expression
 * (which costs more than the loop on strings this short); any other code unit asks it.
 */
function needsCollapse(t: string): boolean {
  let space = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x20) {
      if (space) return true;
      space = true;
    } else if (c > 0x20 && c < 0x7f) space = false;
    else return NEEDS_COLLAPSE.test(t);
  }
  return false;
}

/** Trims and collapses inner runs of white space to one space. */
export function normalizeName(s: string): string {
  const t = s.trim();
  return needsCollapse(t) ? t.replace(WS, " ") : t;
}

/** Entries of `group.group_topics` up to which repeats are found without a set. */
const SMALL = 16;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The distinct topics of a parsed record, in first-seen order. `groupTopics` is
 * the value of `group.group_topics` (already checked to be an array or absent).
 */
export function extractTopics(groupTopics: readonly unknown[] | undefined, event: unknown, includeEventNames: boolean): Topic[] {
  const out: Topic[] = [];
  // Records carry a handful of topics: a look along `out` finds a repeat sooner than a set is built.
  const seen = groupTopics !== undefined && groupTopics.length > SMALL ? new Set<string>() : undefined;
  const has = (key: string): boolean => (seen === undefined ? out.some((t) => t.key === key) : seen.has(key));
  if (groupTopics !== undefined) {
    for (const entry of groupTopics) {
      if (!isObject(entry)) continue;
      const urlkey = typeof entry.urlkey === "string" ? entry.urlkey.trim() : "";
      const rawName = entry.topic_name;
      const name = typeof rawName === "string" ? normalizeName(rawName) : "";
      const key = urlkey !== "" ? urlkey : name;
      if (key === "" || has(key)) continue;
      seen?.add(key);
      out.push({ key, name: name !== "" ? name : key });
    }
  }
  if (includeEventNames && isObject(event) && typeof event.event_name === "string") {
    const name = normalizeName(event.event_name);
    const key = `event:${name}`;
    if (name !== "" && !has(key)) out.push({ key, name });
  }
  return out;
}

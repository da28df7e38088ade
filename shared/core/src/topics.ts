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

/** A record's distinct topics, in first-seen order, as its entries are added. */
export class TopicList {
  readonly topics: Topic[] = [];
  // Records carry a handful of topics: a look along `topics` finds a repeat sooner than a set is built.
  private readonly seen: Set<string> | undefined;

  /** `entries`: how many `group.group_topics` entries will be added at most. */
  constructor(entries: number) {
    this.seen = entries > SMALL ? new Set<string>() : undefined;
  }

  /** One entry of `group.group_topics`, by its `urlkey` and `topic_name` (a value that is not a string counts as absent). */
  addGroupTopic(urlkey: unknown, rawName: unknown): void {
    const key0 = typeof urlkey === "string" ? urlkey.trim() : "";
    const name = typeof rawName === "string" ? normalizeName(rawName) : "";
    const key = key0 !== "" ? key0 : name;
    if (key === "" || this.has(key)) return;
    this.seen?.add(key);
    this.topics.push({ key, name: name !== "" ? name : key });
  }

  /** The event-name topic, from `event.event_name` (ignored unless a string). */
  addEventName(eventName: unknown): void {
    if (typeof eventName !== "string") return;
    const name = normalizeName(eventName);
    const key = `event:${name}`;
    if (name !== "" && !this.has(key)) this.topics.push({ key, name });
  }

  private has(key: string): boolean {
    return this.seen === undefined ? this.topics.some((t) => t.key === key) : this.seen.has(key);
  }
}

/**
 * The distinct topics of a parsed record, in first-seen order. `groupTopics` is
 * the value of `group.group_topics` (already checked to be an array or absent).
 */
export function extractTopics(groupTopics: readonly unknown[] | undefined, event: unknown, includeEventNames: boolean): Topic[] {
  const list = new TopicList(groupTopics?.length ?? 0);
  if (groupTopics !== undefined) {
    for (const entry of groupTopics) if (isObject(entry)) list.addGroupTopic(entry.urlkey, entry.topic_name);
  }
  if (includeEventNames && isObject(event)) list.addEventName(event.event_name);
  return list.topics;
}

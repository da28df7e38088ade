/** The synthetic world: topics, and groups that carry several of them, drawn from a seed. */
import type { Random } from "./random.js";
import { zipfWeights } from "./random.js";

const SUBJECTS = [
  "JavaScript",
  "Python",
  "Machine Learning",
  "Data Science",
  "Cloud Computing",
  "Kubernetes",
  "Startups",
  "Entrepreneurship",
  "Hiking",
  "Running",
  "Photography",
  "Board Games",
  "Book Club",
  "Yoga",
  "Meditation",
  "Blockchain",
  "Web Design",
  "UX",
  "Product Management",
  "Open Source",
  "Rust",
  "Go",
  "Java",
  "DevOps",
  "Security",
  "Cycling",
  "Cooking",
  "Wine Tasting",
  "Salsa",
  "Language Exchange",
  "Public Speaking",
  "Real Estate",
  "Investing",
  "Writing",
  "Film",
  "Jazz",
  "Climbing",
  "Soccer",
  "Chess",
  "Parenting",
  "Volunteering",
  "Sustainability",
  "Robotics",
  "Game Development",
  "Mobile Apps",
  "Artificial Intelligence",
  "Big Data",
  "Design Thinking",
  "Marketing",
  "Social Networking",
];
const QUALIFIERS = ["", "Beginner", "Advanced", "Women in", "Local", "Weekend", "Professional", "Outdoor"];
const CITIES = ["New York", "London", "Berlin", "Tokyo", "Austin", "Toronto", "Sydney", "Paris", "Bangalore", "Chicago"];
const EVENT_KINDS = ["Monthly Meetup", "Hack Night", "Workshop", "Social", "Talk Night", "Study Group", "Walk"];

export interface SynthTopic {
  readonly urlkey: string;
  readonly name: string;
}

export interface SynthGroup {
  readonly id: number;
  readonly name: string;
  readonly urlname: string;
  readonly city: string;
  readonly topics: readonly SynthTopic[];
  readonly events: readonly { readonly id: string; readonly name: string }[];
  /** Zipf base popularity. */
  readonly weight: number;
  /** When (ms into the day cycle) the group's activity peaks, and how wide the peak is. */
  readonly peakMs: number;
  readonly widthMs: number;
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

export function buildTopics(rng: Random, count: number): SynthTopic[] {
  const topics: SynthTopic[] = [];
  const seen = new Set<string>();
  for (let i = 0; topics.length < count && i < count * 20; i++) {
    const q = rng.pick(QUALIFIERS);
    const name = q === "" ? rng.pick(SUBJECTS) : `${q} ${rng.pick(SUBJECTS)}`;
    const urlkey = slug(name);
    if (seen.has(urlkey)) continue;
    seen.add(urlkey);
    topics.push({ urlkey, name });
  }
  return topics;
}

/** Groups with Zipf-like popularity whose activity rises and falls over a day. */
export function buildGroups(rng: Random, topics: readonly SynthTopic[], count: number): SynthGroup[] {
  const weights = zipfWeights(count, 1.1);
  const topicWeights = zipfWeights(topics.length, 0.9);
  return Array.from({ length: count }, (_, id) => {
    const own: SynthTopic[] = [];
    const n = 2 + rng.int(7);
    while (own.length < n) {
      // Popular topics are carried by many groups (a Zipf pick by rejection).
      const i = rng.int(topics.length);
      const t = topics[i];
      if (t !== undefined && rng.next() < (topicWeights[i] ?? 0) * 4 && !own.includes(t)) own.push(t);
    }
    const main = own[0]?.name ?? "Meetup";
    const city = rng.pick(CITIES);
    const name = `${city} ${main} Group ${id}`;
    return {
      id: 10_000 + id,
      name,
      urlname: slug(name),
      city,
      topics: own,
      events: Array.from({ length: 1 + rng.int(3) }, (_, e) => ({ id: `ev${id}x${e}`, name: `${main} ${rng.pick(EVENT_KINDS)}` })),
      weight: weights[id] ?? 0,
      peakMs: rng.int(24) * 3_600_000,
      widthMs: (1 + rng.int(5)) * 3_600_000,
    };
  });
}

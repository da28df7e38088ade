/**
 * A fast path for `parseLine` on a line's UTF-8 bytes. It checks the whole line's JSON syntax
 * and reads only the fields the model uses, making strings of those alone: `JSON.parse` builds
 * every value of a record (a venue, a member, an event, URLs), which was a third of ingest's
 * CPU with its garbage collection. It answers only when it is sure: the line is well-formed
 * JSON and a valid RSVP, read the way `parseLine` reads it. Anything else (a syntax error, an
 * invalid or unusual field, an escaped key, deep nesting, a long line) gets `undefined`, and
 * the caller decodes the line and asks `parseLine`, which then gives the answer and its reason.
 */
import { fnv1a32Bytes, MAX_GROUP_TOPICS, MAX_GUESTS, MAX_LINE_BYTES, TopicList, type Rsvp } from "@meetuphype/core";

/**
 * Thrown inside the scanner when it gives up, and caught at its entry: never seen outside. One
 * instance, made once: giving up costs no stack trace.
 */
const GIVE_UP = new Error("the fast path leaves this line to parseLine");
/** Nesting deeper than this is left to `JSON.parse`. */
const MAX_DEPTH = 64;
/** A line longer than this could decode (with U+FFFD for invalid bytes) to more than the limit. */
const MAX_FAST_BYTES = Math.floor(MAX_LINE_BYTES / 3);

const DIGITS = /^[0-9]+$/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** What a member's value is read for. */
const Ctx = { Skip: 0, Top: 1, Group: 2, Entry: 3, Event: 4 } as const;
type Ctx = (typeof Ctx)[keyof typeof Ctx];

const bytesOf = (s: string): Uint8Array => Buffer.from(s, "latin1");
const K_RSVP_ID = bytesOf("rsvp_id");
const K_MTIME = bytesOf("mtime");
const K_GUESTS = bytesOf("guests");
const K_RESPONSE = bytesOf("response");
const K_GROUP = bytesOf("group");
const K_EVENT = bytesOf("event");
const K_GROUP_TOPICS = bytesOf("group_topics");
const K_URLKEY = bytesOf("urlkey");
const K_TOPIC_NAME = bytesOf("topic_name");
const K_EVENT_NAME = bytesOf("event_name");

const isHex = (c: number): boolean => (c >= ZERO && c <= NINE) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
/** The escapes JSON allows after a backslash, besides `u`: " \ / b f n r t. */
const isShortEscape = (c: number): boolean =>
  c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/** Strings longer than this many bytes (with their opening quote) are not remembered. */
const MAX_CACHED_BYTES = 96;
/** Slots of the text cache (a power of two). */
const CACHE_SLOTS = 8192;

/**
 * The strings of recently read JSON string values, by their bytes: topic keys and names repeat
 * from record to record, and a remembered string is neither made again nor hashed again by the
 * maps that key on it. Direct-mapped (one string per slot, a newer one replaces it), so it
 * never holds more than CACHE_SLOTS strings.
 */
class TextCache {
  private readonly hashes = new Uint32Array(CACHE_SLOTS);
  private readonly bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(CACHE_SLOTS).fill(undefined);
  private readonly texts: string[] = new Array<string>(CACHE_SLOTS).fill("");

  /** The string value whose opening quote is at `start` and closing quote at `end`. */
  get(b: Buffer, start: number, end: number, escaped: boolean, high: boolean): string {
    if (end - start > MAX_CACHED_BYTES) return decode(b, start, end, escaped, high);
    const h = fnv1a32Bytes(b, start + 1, end);
    const slot = h & (CACHE_SLOTS - 1);
    const known = this.bytes[slot];
    if (known !== undefined && this.hashes[slot] === h && known.length === end - start - 1) {
      let same = true;
      for (let k = 0; k < known.length; k++) {
        if (known[k] !== b[start + 1 + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.texts[slot]!;
    }
    const text = decode(b, start, end, escaped, high);
    this.hashes[slot] = h;
    // A copy (a Buffer's own `slice` would be a view into the line).
    this.bytes[slot] = Uint8Array.prototype.slice.call(b, start + 1, end);
    this.texts[slot] = text;
    return text;
  }
}

/** A string value as JSON.parse gives it. Invalid UTF-8 decodes to U+FFFD here as in the whole line: the quotes around it are ASCII. */
function decode(b: Buffer, start: number, end: number, escaped: boolean, high: boolean): string {
  if (escaped) return JSON.parse(b.toString("utf8", start, end + 1)) as string;
  return b.toString(high ? "utf8" : "latin1", start + 1, end);
}

class Scanner {
  private b: Buffer = Buffer.alloc(0);
  private i = 0;
  private n = 0;
  private depth = 0;
  /** Whether the last string read held an escape, or a byte outside ASCII. */
  private escaped = false;
  private high = false;

  /** The fields read so far: NaN where missing or invalid (guests: 0 where missing). */
  private rsvpId = NaN;
  private mtime = NaN;
  private guests = 0;
  private response: string | undefined;
  /** Entries of the current `group.group_topics` (-1: none); their `urlkey`s and `topic_name`s. */
  private entries = -1;
  private readonly urlkeys: (string | undefined)[] = [];
  private readonly names: (string | undefined)[] = [];
  private urlkey: string | undefined;
  private topicName: string | undefined;
  private eventName: string | undefined;
  private includeEventNames = false;
  private readonly texts = new TextCache();

  read(line: Buffer, includeEventNames: boolean): Rsvp | undefined {
    if (line.length > MAX_FAST_BYTES) return undefined;
    this.b = line;
    this.i = 0;
    this.n = line.length;
    this.depth = 0;
    this.rsvpId = NaN;
    this.mtime = NaN;
    this.guests = 0;
    this.response = undefined;
    this.entries = -1;
    this.eventName = undefined;
    this.includeEventNames = includeEventNames;
    try {
      if (this.ws() !== OPEN_BRACE) return undefined;
      this.object(Ctx.Top);
      if (this.ws() !== -1) return undefined;
      return this.finish();
    } catch (e) {
      if (e === GIVE_UP) return undefined;
      throw e;
    } finally {
      this.b = EMPTY;
    }
  }

  private finish(): Rsvp | undefined {
    // A missing or invalid field: parseLine gives the rejection and its reason.
    if (Number.isNaN(this.rsvpId) || Number.isNaN(this.mtime) || Number.isNaN(this.guests)) return undefined;
    const count = Math.max(this.entries, 0);
    const list = new TopicList(count);
    // An entry that is not an object holds neither string, as one without them: it adds nothing.
    for (let e = 0; e < count; e++) list.addGroupTopic(this.urlkeys[e], this.names[e]);
    if (this.includeEventNames) list.addEventName(this.eventName);
    const r = this.response;
    const positive = r !== undefined && r.trim().toLowerCase() === "yes";
    return { rsvpId: this.rsvpId, mtime: this.mtime, positive, guests: this.guests, topics: list.topics };
  }

  /** Skips JSON white space; the byte there, or -1 at the end. */
  private ws(): number {
    const b = this.b;
    let i = this.i;
    // Compact JSON has no white space: most calls end here.
    if (i < this.n && b[i]! > 0x20) return b[i]!;
    while (i < this.n) {
      const c = b[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else {
        this.i = i;
        return c;
      }
    }
    this.i = i;
    return -1;
  }

  /** At `{`: reads the members, each value for `ctx`, and moves past `}`. */
  private object(ctx: Ctx): void {
    if (!this.open(CLOSE_BRACE)) return;
    do {
      if (this.b[this.i] !== QUOTE) throw GIVE_UP;
      const start = this.i + 1;
      const end = this.key();
      if (this.ws() !== COLON) throw GIVE_UP;
      this.i++;
      this.ws();
      if (ctx === Ctx.Skip) this.skip();
      else this.member(ctx, start, end);
    } while (this.more(CLOSE_BRACE));
  }

  /** At `[`: reads the elements (entries of `group.group_topics` when `topics`), and moves past `]`. */
  private array(topics: boolean): void {
    if (!this.open(CLOSE_BRACKET)) return;
    do {
      if (!topics) this.skip();
      else this.entry(this.b[this.i]!);
    } while (this.more(CLOSE_BRACKET));
  }

  /** At a container's opening byte: moves into it; false (and past it) if it closes at once. */
  private open(close: number): boolean {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
    this.i++;
    if (this.ws() !== close) return true;
    this.i++;
    this.depth--;
    return false;
  }

  /** After a member or element: true past a comma, at the next one; false past `close`. */
  private more(close: number): boolean {
    const c = this.ws();
    if (c === COMMA) {
      this.i++;
      this.ws();
      return true;
    }
    if (c !== close) throw GIVE_UP;
    this.i++;
    this.depth--;
    return false;
  }

  /** One element of `group.group_topics`, its first byte `c`. */
  private entry(c: number): void {
    const e = this.entries++;
    // More entries than a valid record holds: parseLine rejects it, or a later group_topics wins.
    if (e >= MAX_GROUP_TOPICS) throw GIVE_UP;
    if (c === OPEN_BRACE) {
      this.urlkey = undefined;
      this.topicName = undefined;
      this.object(Ctx.Entry);
      this.urlkeys[e] = this.urlkey;
      this.names[e] = this.topicName;
    } else {
      this.skip();
      this.urlkeys[e] = undefined;
      this.names[e] = undefined;
    }
  }

  /** A member's value, the scanner at its first byte. The last of repeated keys wins, as in JSON.parse. */
  private member(ctx: Ctx, start: number, end: number): void {
    const c = this.b[this.i]!;
    if (ctx === Ctx.Top) {
      if (this.is(start, end, K_RSVP_ID)) this.rsvpId = this.id(c);
      else if (this.is(start, end, K_MTIME)) this.mtime = this.id(c);
      else if (this.is(start, end, K_GUESTS)) this.guests = this.guestsValue(c);
      else if (this.is(start, end, K_RESPONSE)) this.response = this.maybeText(c);
      else if (this.is(start, end, K_GROUP)) {
        this.entries = -1;
        if (c === OPEN_BRACE) this.object(Ctx.Group);
        else this.skip();
      } else if (this.includeEventNames && this.is(start, end, K_EVENT)) {
        this.eventName = undefined;
        if (c === OPEN_BRACE) this.object(Ctx.Event);
        else this.skip();
      } else this.skip();
    } else if (ctx === Ctx.Group) {
      if (!this.is(start, end, K_GROUP_TOPICS)) this.skip();
      else if (c === OPEN_BRACKET) {
        this.entries = 0;
        this.array(true);
      } else {
        this.entries = -1;
        this.skip();
      }
    } else if (ctx === Ctx.Entry) {
      if (this.is(start, end, K_URLKEY)) this.urlkey = this.maybeText(c);
      else if (this.is(start, end, K_TOPIC_NAME)) this.topicName = this.maybeText(c);
      else this.skip();
    } else if (this.is(start, end, K_EVENT_NAME)) this.eventName = this.maybeText(c);
    else this.skip();
  }

  /** Whether the key between `start` and `end` is `key`. */
  private is(start: number, end: number, key: Uint8Array): boolean {
    if (end - start !== key.length) return false;
    const b = this.b;
    for (let k = 0; k < key.length; k++) if (b[start + k] !== key[k]) return false;
    return true;
  }

  /** Any value, checked and passed over. */
  private skip(): void {
    const c = this.b[this.i];
    if (c === QUOTE) this.pass();
    else if (c === OPEN_BRACE) this.object(Ctx.Skip);
    else if (c === OPEN_BRACKET) this.array(false);
    else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) this.number();
    else if (c === 0x74) this.literal("true");
    else if (c === 0x66) this.literal("false");
    else if (c === 0x6e) this.literal("null");
    else throw GIVE_UP;
  }

  private literal(word: string): void {
    const b = this.b;
    for (let k = 0; k < word.length; k++) if (b[this.i + k] !== word.charCodeAt(k)) throw GIVE_UP;
    this.i += word.length;
  }

  /**
   * At a key's `"`: moves past it and returns the index of its closing quote. An escaped key
   * could spell a field the model reads: JSON.parse knows, so any backslash gives up.
   */
  private key(): number {
    const b = this.b;
    const n = this.n;
    let i = this.i + 1;
    for (;;) {
      if (i >= n) throw GIVE_UP;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20) throw GIVE_UP;
      i++;
    }
    this.i = i + 1;
    return i;
  }

  /** At a `"` whose value is not read: checks the string and moves past it (`string` without its flags). */
  private pass(): void {
    const b = this.b;
    const n = this.n;
    let i = this.i + 1;
    for (;;) {
      if (i >= n) throw GIVE_UP;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        i = this.escape(i);
        continue;
      }
      if (c < 0x20) throw GIVE_UP;
      i++;
    }
    this.i = i + 1;
  }

  /** At a backslash at `i`: checks the escape; the index after it. */
  private escape(i: number): number {
    const b = this.b;
    const d = b[i + 1];
    if (d === 0x75) {
      if (i + 5 >= this.n || !isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) throw GIVE_UP;
      return i + 6;
    }
    if (d !== undefined && isShortEscape(d)) return i + 2;
    throw GIVE_UP;
  }

  /** At `"`: checks the string, moves past it, and returns the index of its closing quote. */
  private string(): number {
    const b = this.b;
    const n = this.n;
    let i = this.i + 1;
    let escaped = false;
    let high = false;
    for (;;) {
      if (i >= n) throw GIVE_UP;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i = this.escape(i);
        continue;
      }
      if (c < 0x20) throw GIVE_UP;
      if (c >= 0x80) high = true;
      i++;
    }
    this.escaped = escaped;
    this.high = high;
    this.i = i + 1;
    return i;
  }

  /** A string value as JSON.parse would give it; any other value is passed over (undefined). */
  private maybeText(c: number): string | undefined {
    if (c !== QUOTE) {
      this.skip();
      return undefined;
    }
    const start = this.i;
    const end = this.string();
    return this.texts.get(this.b, start, end, this.escaped, this.high);
  }

  /**
   * A JSON number, checked and passed over; its value. Digits alone (up to 15, exact in a double)
   * are summed here; any other form is converted by `Number`, which rounds as JSON.parse does.
   */
  private number(): number {
    const b = this.b;
    const n = this.n;
    const start = this.i;
    let i = start;
    let simple = true;
    if (b[i] === MINUS) {
      simple = false;
      i++;
    }
    let c = b[i];
    let value = 0;
    if (c === ZERO) {
      i++;
    } else if (c !== undefined && c > ZERO && c <= NINE) {
      while (i < n && (c = b[i]!) >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        i++;
      }
    } else throw GIVE_UP;
    if (i - start > 15) simple = false;
    if (b[i] === 0x2e) {
      simple = false;
      i = this.digits(i + 1);
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      simple = false;
      i++;
      if (b[i] === 0x2b || b[i] === MINUS) i++;
      i = this.digits(i);
    }
    this.i = i;
    return simple ? value : Number(b.toString("latin1", start, i));
  }

  /** At least one digit from `i`; the index after them. */
  private digits(i: number): number {
    const b = this.b;
    const from = i;
    for (let c = b[i]; c !== undefined && c >= ZERO && c <= NINE; c = b[++i]);
    if (i === from) throw GIVE_UP;
    return i;
  }

  /** `rsvp_id` or `mtime`: a positive safe integer, as a number or a string of digits; NaN for any other value. */
  private id(c: number): number {
    let v = NaN;
    if (c === QUOTE) {
      const start = this.i;
      const end = this.string();
      const digits = decode(this.b, start, end, this.escaped, this.high);
      if (DIGITS.test(digits)) v = Number(digits);
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) v = this.number();
    else this.skip();
    return Number.isSafeInteger(v) && v > 0 ? v : NaN;
  }

  /** `guests`: an integer in [0, MAX_GUESTS]; NaN for any other value. */
  private guestsValue(c: number): number {
    if (c !== MINUS && !(c >= ZERO && c <= NINE)) {
      this.skip();
      return NaN;
    }
    const g = this.number();
    return Number.isInteger(g) && g >= 0 && g <= MAX_GUESTS ? g : NaN;
  }
}

const EMPTY = Buffer.alloc(0);
const scanner = new Scanner();

/**
 * The RSVP on this line of UTF-8 bytes, when the line is one `parseLine` would accept; else
 * undefined, and the caller asks `parseLine` (which gives the same answer on every line this
 * accepts). Never throws.
 */
export function readRsvpBytes(line: Buffer, includeEventNames: boolean): Rsvp | undefined {
  return scanner.read(line, includeEventNames);
}

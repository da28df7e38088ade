/**
 * A deterministic world for the ownership simulation: a fake clock with an
 * event queue, and an in-memory KV with NATS KV's semantics (one revision
 * counter per bucket, compare-and-set on a key's revision, a bucket TTL) behind
 * a network that delays and drops requests and answers. Processes can be
 * stalled (SIGSTOP): nothing they scheduled runs until they resume.
 */
import { Random } from "@meetuphype/pipeline";
import { CasConflictError, type LeaseKv, type LeaseKvEntry } from "@meetuphype/control-plane";
import { type Timers } from "../../src/index.js";

/** The project's seeded PRNG, with the two draws the simulation needs. */
export class Rng extends Random {
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Event {
  readonly at: number;
  readonly id: number;
  readonly owner: Proc | undefined;
  readonly fn: () => void;
}

/** A simulated process: its timers and answers wait while it is stalled, and stop for good when it dies. */
export class Proc {
  frozenUntil = 0;
  dead = false;
  constructor(readonly name: string) {}
}

export class World {
  now = 0;
  private seq = 0;
  private queue: Event[] = [];

  schedule(at: number, owner: Proc | undefined, fn: () => void): void {
    const e = { at, id: this.seq++, owner, fn };
    // Binary insertion keeps (at, id) order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.queue[mid] as Event;
      if (m.at < at || (m.at === at && m.id < e.id)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }

  timers(p: Proc): Timers {
    return {
      now: () => this.now,
      sleep: (ms) => new Promise<void>((resolve) => this.schedule(this.now + ms, p, resolve)),
    };
  }

  /** Runs events up to `until`, calling `check` after each; stalled processes' events wait, dead ones' vanish. */
  async runUntil(until: number, check: () => void): Promise<void> {
    for (;;) {
      const e = this.queue[0];
      if (e === undefined || e.at > until) break;
      this.queue.shift();
      this.now = e.at;
      if (e.owner?.dead === true) continue;
      if (e.owner !== undefined && e.owner.frozenUntil > this.now) {
        this.schedule(e.owner.frozenUntil, e.owner, e.fn);
        continue;
      }
      e.fn();
      await new Promise((r) => setImmediate(r)); // let every continuation of this event run
      check();
    }
    this.now = until;
  }
}

/** How the network treats one KV operation. */
export interface NetworkConditions {
  /** Delay of a request on its way, and of its answer, in ms. */
  delay(): number;
  /** Whether the request is lost (never applied). */
  dropRequest(): boolean;
  /** Whether the answer is lost (applied, never answered). */
  dropAnswer(): boolean;
}

interface Stored {
  value: Uint8Array;
  revision: number;
  writtenAt: number;
}

/** One KV bucket on the simulated server. */
export class MemoryBucket {
  private readonly data = new Map<string, Stored>();
  private revision = 0;

  constructor(
    private readonly world: World,
    private readonly ttlMs = 0,
  ) {}

  private live(key: string): Stored | undefined {
    const s = this.data.get(key);
    if (s === undefined) return undefined;
    if (this.ttlMs > 0 && this.world.now - s.writtenAt >= this.ttlMs) {
      this.data.delete(key);
      return undefined;
    }
    return s;
  }

  get(key: string): LeaseKvEntry | null {
    const s = this.live(key);
    return s === undefined ? null : { value: s.value, revision: s.revision };
  }

  write(key: string, value: Uint8Array, expect?: number | "absent"): number {
    const cur = this.live(key);
    if (expect === "absent" && cur !== undefined) throw new CasConflictError(key);
    if (typeof expect === "number" && cur?.revision !== expect) throw new CasConflictError(key);
    this.revision++;
    this.data.set(key, { value, revision: this.revision, writtenAt: this.world.now });
    return this.revision;
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  keys(prefix: string): string[] {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix) && this.live(k) !== undefined).sort();
  }
}

/** A process's view of a bucket: every operation crosses the simulated network. */
export function clientKv(world: World, bucket: MemoryBucket, proc: Proc, net: NetworkConditions): LeaseKv {
  const op = <T>(apply: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (net.dropRequest()) return; // lost on the way: the caller's timeout notices
      world.schedule(world.now + net.delay(), undefined, () => {
        let result: { ok: true; v: T } | { ok: false; err: Error };
        try {
          result = { ok: true, v: apply() };
        } catch (err) {
          result = { ok: false, err: err instanceof Error ? err : new Error(String(err)) };
        }
        if (net.dropAnswer()) return;
        world.schedule(world.now + net.delay(), proc, () => (result.ok ? resolve(result.v) : reject(result.err)));
      });
    });
  return {
    get: (key) => op(() => bucket.get(key)),
    create: (key, value) => op(() => bucket.write(key, value, "absent")),
    update: (key, value, revision) => op(() => bucket.write(key, value, revision)),
    put: (key, value) => op(() => bucket.write(key, value)),
    delete: (key) => op(() => bucket.delete(key)),
    keys: (prefix) => op(() => bucket.keys(prefix)),
  };
}

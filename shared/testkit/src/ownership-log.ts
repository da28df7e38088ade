/**
 * Checking "no two replicas ever acted for one shard at once" from the
 * replicas' own debug logs: each claim logs `took shard`, each end logs
 * `stopped acting for a shard` (with `actingUntil` when a lease lapsed: the
 * moment its effects stopped, which may be before the line). A replica killed
 * with SIGKILL stops acting when it dies.
 */
export interface Tenure {
  readonly kind: string;
  readonly shard: number;
  readonly epoch: number;
  readonly replica: string;
  readonly start: number;
  end: number;
}

export interface ReplicaLog {
  /** Names the process in messages. */
  readonly label: string;
  readonly stderr: string;
  /** When the process ended (killed or exited); tenures still open then end there. */
  readonly endedAt: number | undefined;
}

const LINE = /^(\S+Z) \w+ (took shard|stopped acting for a shard: [a-z ]+?) (.*)$/;
const field = (rest: string, name: string): string | undefined =>
  new RegExp(`(?:^| )${name}=("[^"]*"|\\S+)`).exec(rest)?.[1]?.replace(/^"|"$/g, "");

export function tenures(logs: readonly ReplicaLog[]): Tenure[] {
  const out: Tenure[] = [];
  for (const log of logs) {
    const open = new Map<string, Tenure>();
    for (const line of log.stderr.split("\n")) {
      const m = LINE.exec(line);
      if (m === null) continue;
      const [, time, what, rest = ""] = m;
      const kind = field(rest, "kind") ?? "?";
      const shard = Number(field(rest, "shard"));
      const key = `${kind}/${shard}`;
      const at = Date.parse(time ?? "");
      if (what === "took shard") {
        const t: Tenure = { kind, shard, epoch: Number(field(rest, "epoch")), replica: log.label, start: at, end: Infinity };
        open.set(key, t);
        out.push(t);
      } else {
        const t = open.get(key);
        if (t === undefined) continue;
        const until = field(rest, "actingUntil");
        t.end = until === undefined ? at : Math.min(at, Date.parse(until));
        open.delete(key);
      }
    }
    for (const t of open.values()) t.end = log.endedAt ?? Infinity;
  }
  return out;
}

/** Every pair of tenures of one shard, by different replicas, that overlap in time. */
export function overlappingTenures(ts: readonly Tenure[]): string[] {
  const byShard = new Map<string, Tenure[]>();
  for (const t of ts) byShard.set(`${t.kind}/${t.shard}`, [...(byShard.get(`${t.kind}/${t.shard}`) ?? []), t]);
  const out: string[] = [];
  for (const [key, list] of byShard) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i] as Tenure;
        const b = list[j] as Tenure;
        if (b.start >= a.end) continue;
        if (a.replica !== b.replica)
          out.push(
            `${key}: ${a.replica} (epoch ${a.epoch}) until ${new Date(a.end).toISOString()} and ${b.replica} (epoch ${b.epoch}) from ${new Date(b.start).toISOString()}`,
          );
      }
  }
  return out;
}

/**
 * Replica membership in a KV bucket with a TTL: a replica is listed while it
 * heartbeats (`<kind>.<id>`). A replica that is leaving (SIGTERM) says so with a
 * second key (`leaving.<kind>.<id>`) and keeps heartbeating until it has handed
 * its shards over: the others stop assigning shards to it, but nobody takes a
 * shard it still holds (its leases are still renewed).
 */
import { randomBytes } from "node:crypto";
import { encodeMember, leavingKey, leavingPrefix, memberKey, memberPrefix, type MemberInfo } from "./control-plane.js";
import type { LeaseKv } from "./lease-kv.js";
import type { ShardKind } from "./names.js";

export interface Member {
  readonly id: string;
  readonly leaving: boolean;
}

export class Membership {
  private leavingNow = false;

  constructor(
    private readonly kv: LeaseKv,
    private readonly kind: ShardKind,
    readonly id: string,
    /** What the entry says of this replica (its health address). */
    private readonly info: MemberInfo = {},
  ) {}

  /** Keeps this replica listed (call at least once per TTL). */
  async beat(): Promise<void> {
    await this.kv.put(memberKey(this.kind, this.id), encodeMember(this.info));
    if (this.leavingNow) await this.kv.put(leavingKey(this.kind, this.id), encodeMember(this.info));
  }

  /** Marks this replica as leaving: no shard is assigned to it any more. */
  async startLeaving(): Promise<void> {
    this.leavingNow = true;
    await this.beat();
  }

  /** Removes this replica from the list (after it handed everything over). */
  async remove(): Promise<void> {
    await this.kv.delete(memberKey(this.kind, this.id));
    await this.kv.delete(leavingKey(this.kind, this.id));
  }

  /** The listed replicas of this kind, sorted, each with whether it is leaving. */
  async members(): Promise<Member[]> {
    const [live, leaving] = await Promise.all([this.kv.keys(memberPrefix(this.kind)), this.kv.keys(leavingPrefix(this.kind))]);
    const gone = new Set(leaving.map((k) => k.slice(leavingPrefix(this.kind).length)));
    return live
      .map((k) => k.slice(memberPrefix(this.kind).length))
      .sort()
      .map((id) => ({ id, leaving: gone.has(id) }));
  }
}

/** A replica id that is unique and readable: POD name (HOSTNAME) plus a random suffix. */
export function replicaId(hostname: string | undefined): string {
  return `${(hostname ?? "replica").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 40)}-${randomBytes(3).toString("hex")}`;
}

/** Replica membership in a NATS KV bucket with a TTL: a heartbeat keeps a replica listed. */
import type { KV } from "nats";
import type { Logger } from "@meetuphype/actors";
import type { ShardKind } from "./names.js";

export class Membership {
  private timer: NodeJS.Timeout | undefined;
  private readonly key: string;

  constructor(
    private readonly kv: KV,
    private readonly kind: ShardKind,
    readonly id: string,
    private readonly logger: Logger,
    private readonly heartbeatMs = 1000,
  ) {
    this.key = `${kind}.${id}`;
  }

  async join(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.logger.warn("heartbeat failed; will retry", { err }));
    }, this.heartbeatMs);
  }

  /** The live replicas of this kind, sorted. */
  async members(): Promise<string[]> {
    const out: string[] = [];
    const keys = await this.kv.keys(`${this.kind}.*`);
    for await (const k of keys) out.push(k.slice(this.kind.length + 1));
    return out.sort();
  }

  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.kv.delete(this.key);
  }

  private async beat(): Promise<void> {
    await this.kv.put(this.key, new TextEncoder().encode(JSON.stringify({ at: Date.now() })));
  }
}

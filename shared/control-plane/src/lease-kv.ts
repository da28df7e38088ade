/**
 * The key-value store the ownership protocol runs on, reduced to what it needs:
 * read, compare-and-set, put, delete, list. NATS KV (a JetStream stream per
 * bucket) implements it in production; the simulation test implements it in
 * memory with the same semantics (revisions, compare-and-set, a bucket TTL).
 */
import { KnownError } from "@meetuphype/core";
import type { KV } from "nats";

export interface LeaseKvEntry {
  readonly value: Uint8Array;
  /** Changes with every write; compare-and-set is against it. */
  readonly revision: number;
}

export interface LeaseKv {
  /** The live entry (null when absent or deleted). */
  get(key: string): Promise<LeaseKvEntry | null>;
  /** Writes only if the key is absent or deleted; throws CasConflictError otherwise. Resolves with the new revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Writes only if the key's revision is still `revision`; throws CasConflictError otherwise. */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  put(key: string, value: Uint8Array): Promise<number>;
  delete(key: string): Promise<void>;
  /** The live keys that start with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

/** A compare-and-set lost: someone else wrote the key first. Not a transport failure. */
export class CasConflictError extends KnownError {
  readonly code = "CAS_CONFLICT";
  readonly retriable = false;
  constructor(key: string, cause?: unknown) {
    super(`compare-and-set on ${key} lost: the key changed`, { cause });
  }
}

/** JetStream's "wrong last sequence" (the expected revision did not match). */
const WRONG_LAST_SEQUENCE = 10071;

const isCasConflict = (err: unknown): boolean =>
  err instanceof Error && "api_error" in err && (err.api_error as { err_code?: number } | undefined)?.err_code === WRONG_LAST_SEQUENCE;

export function natsLeaseKv(kv: KV): LeaseKv {
  const cas = async (key: string, write: () => Promise<number>): Promise<number> => {
    try {
      return await write();
    } catch (err) {
      throw isCasConflict(err) ? new CasConflictError(key, err) : err;
    }
  };
  return {
    get: async (key) => {
      const e = await kv.get(key);
      return e === null || e.operation !== "PUT" ? null : { value: e.value, revision: e.revision };
    },
    create: (key, value) => cas(key, () => kv.create(key, value)),
    update: (key, value, revision) => cas(key, () => kv.update(key, value, revision)),
    put: (key, value) => kv.put(key, value),
    delete: (key) => kv.delete(key),
    keys: async (prefix) => {
      const out: string[] = [];
      for await (const k of await kv.keys(`${prefix}>`)) out.push(k);
      return out;
    },
  };
}

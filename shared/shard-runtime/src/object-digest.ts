/**
 * The NATS object store's SHA-256 digests computed by Node's crypto. nats.js hashes every object
 * it writes or reads with its own JavaScript SHA-256, at about 70 MB/s here: a dedup shard's
 * snapshot (about 96 bytes a live version) was hashed once by the owner that saved it and again by
 * the one that loaded it, over a second each way per million versions, on the event loop, while
 * the shard's records waited. `node:crypto` computes the same digest about twenty times faster.
 * Digests are unchanged: objects saved either way read back either way.
 */
import { createHash, type Hash } from "node:crypto";
import { createRequire } from "node:module";

/** What nats.js's object store uses of its hasher (nats/lib/nats-base-client/js-sha256). */
export interface Sha256Hasher {
  update(data: Uint8Array): Sha256Hasher;
  digest(): ArrayLike<number>;
}

interface Sha256Module {
  sha256: { create(): Sha256Hasher };
}

/** One object's digest, computed by Node's crypto as it is fed. */
export class NativeSha256 implements Sha256Hasher {
  private readonly hash: Hash = createHash("sha256");
  private result: Buffer | undefined;

  update(data: Uint8Array): this {
    this.hash.update(data);
    return this;
  }

  /** The 32 bytes of the digest (asked again, the same bytes). */
  digest(): Buffer {
    return (this.result ??= this.hash.digest());
  }
}

const require = createRequire(import.meta.url);

/** nats.js's hasher module, whose `sha256.create` the object store calls for each object. */
export const natsSha256Module = (): Sha256Module => require("nats/lib/nats-base-client/js-sha256") as Sha256Module;

/**
 * Makes nats.js's object store hash with Node's crypto, for the whole process (idempotent).
 * Throws if the nats.js module no longer has the shape this relies on: a test runs it, so a
 * nats.js upgrade that moves it fails there, not in a shard's handover.
 */
export function useNativeObjectDigests(): void {
  const m = natsSha256Module();
  if (typeof m.sha256?.create !== "function") throw new Error("nats.js's sha256 module changed: object digests stay in JavaScript");
  m.sha256.create = () => new NativeSha256();
}

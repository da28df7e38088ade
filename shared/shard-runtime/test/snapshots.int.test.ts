/** Shard snapshots in a real NATS object store: a load returns what was saved, and stops once its signal aborts. */
import { createHash } from "node:crypto";
import { connect } from "nats";
import { describe, expect, inject, it } from "vitest";
import { uniqueName } from "@meetuphype/testkit";
import { SnapshotStore } from "../src/index.js";

describe("the snapshot store", () => {
  it("loads what was saved, nothing for an unknown name, and rejects a load whose start was given up on", async () => {
    const nc = await connect({ servers: inject("natsUrl") });
    try {
      const os = await nc.jetstream().views.os(uniqueName("snaps"));
      const store = new SnapshotStore(os);
      // Several chunks (the object store's chunks are 128 KiB).
      const bytes = new Uint8Array(600 * 1024).map((_, i) => i % 251);
      await store.save("shard-3", bytes);
      expect(Buffer.compare(Buffer.from((await store.load("shard-3")) ?? []), Buffer.from(bytes))).toBe(0);
      expect(await store.load("shard-4")).toBeUndefined();
      // The digest stored with it is the standard SHA-256 of its bytes (what any client checks it by).
      const digest = createHash("sha256").update(bytes).digest("base64url");
      expect((await os.info("shard-3"))?.digest.replace(/=+$/, "")).toBe(`SHA-256=${digest}`);

      const given = new AbortController();
      given.abort();
      await expect(store.load("shard-3", given.signal)).rejects.toThrow();
      // Aborted while reading: it rejects rather than return part of the snapshot.
      const during = new AbortController();
      const loading = store.load("shard-3", during.signal);
      queueMicrotask(() => during.abort());
      await expect(loading).rejects.toThrow();
      await os.destroy();
    } finally {
      await nc.close();
    }
  });
});

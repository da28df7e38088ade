/**
 * A live HTTP stream of newline-delimited JSON (like the old Meetup RSVP stream), reconnecting
 * with the project's backoff (`@meetuphype/core` backoff.ts) whenever it fails or ends.
 */
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay, type Backoff } from "@meetuphype/core";
import type { Logger } from "@meetuphype/log";
import { lineBatches } from "@meetuphype/pipeline";

/** Waits between connections: half a second after a stream that ended, up to 30 s while it keeps failing. */
export const STREAM_RECONNECT: Backoff = { firstDelayMs: 500, maxDelayMs: 30_000 };

export async function* httpLines(url: string, signal: AbortSignal, logger: Logger, policy = STREAM_RECONNECT): AsyncGenerator<string[]> {
  let failures = 0;
  while (!signal.aborted) {
    let err: unknown;
    try {
      const res = await fetch(url, { signal });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      logger.info("connected to the stream", { url });
      failures = 0;
      for await (const batch of lineBatches(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), { batchLines: 1 })) yield batch;
    } catch (e) {
      if (signal.aborted) return;
      err = e;
    }
    const inMs = backoffDelay(policy, ++failures, Math.random()) ?? policy.maxDelayMs;
    if (err === undefined) logger.warn("the stream ended; reconnecting", { url, inMs });
    else logger.warn("stream failed; reconnecting", { url, err, inMs });
    await sleep(inMs, undefined, { signal }).catch(() => undefined);
  }
}

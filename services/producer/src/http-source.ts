/** A live HTTP stream of newline-delimited JSON (like the old Meetup RSVP stream), reconnecting with backoff. */
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@meetuphype/log";
import { lineBatches } from "@meetuphype/pipeline";

export async function* httpLines(url: string, signal: AbortSignal, logger: Logger, maxBackoffMs = 30_000): AsyncGenerator<string[]> {
  let backoff = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, { signal });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      logger.info("connected to the stream", { url });
      backoff = 500;
      for await (const batch of lineBatches(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), {
        batchLines: 1,
      }))
        yield batch;
      logger.warn("the stream ended; reconnecting", { url });
    } catch (err) {
      if (signal.aborted) return;
      logger.warn("stream failed; reconnecting", { url, err, inMs: backoff });
    }
    await sleep(backoff, undefined, { signal }).catch(() => undefined);
    backoff = Math.min(maxBackoffMs, backoff * 2);
  }
}

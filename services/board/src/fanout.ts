/**
 * Server-sent events to many viewers from one upstream. Each event is serialized and
 * encoded once and written to every viewer. A viewer whose connection cannot keep up
 * never holds the others back and never makes memory grow: while its socket is full,
 * the newest event of each kind replaces the one it has not been sent yet.
 */

/** The writable side of one viewer's connection (an http.ServerResponse). */
export interface Sink {
  write(chunk: Uint8Array): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** Event kinds in the order a viewer that caught up gets them. */
export const EVENT_KINDS = ["upstream", "snapshot"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One SSE frame: `event: <kind>` and the JSON on one `data:` line. */
export const sseFrame = (kind: EventKind, data: unknown): Uint8Array => Buffer.from(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);

const KEEP_ALIVE = Buffer.from(": keep-alive\n\n");

export class Viewer {
  private busy = false;
  private readonly pending = new Map<EventKind, Uint8Array>();

  constructor(
    private readonly sink: Sink,
    private readonly onReplaced: () => void,
  ) {}

  send(kind: EventKind, frame: Uint8Array): void {
    if (!this.busy) return this.write(frame);
    if (this.pending.has(kind)) this.onReplaced();
    this.pending.set(kind, frame);
  }

  /** A comment that keeps idle proxies from closing the stream; skipped while the socket is full. */
  keepAlive(): void {
    if (!this.busy) this.write(KEEP_ALIVE);
  }

  /** Frames waiting for the socket (at most one per kind). */
  get waiting(): number {
    return this.pending.size;
  }

  private write(frame: Uint8Array): void {
    if (this.sink.write(frame)) return;
    this.busy = true;
    this.sink.once("drain", () => this.drained());
  }

  private drained(): void {
    this.busy = false;
    for (const kind of EVENT_KINDS) {
      const frame = this.pending.get(kind);
      if (frame === undefined) continue;
      this.pending.delete(kind);
      this.write(frame);
      if (this.busy) return;
    }
  }
}

export class Fanout {
  private readonly viewers = new Set<Viewer>();
  /** Events a slow viewer never got because a newer one replaced them. */
  replaced = 0;

  constructor(readonly maxViewers: number) {}

  get size(): number {
    return this.viewers.size;
  }

  /** A new viewer, or undefined when the board is full. */
  add(sink: Sink): Viewer | undefined {
    if (this.viewers.size >= this.maxViewers) return undefined;
    const v = new Viewer(sink, () => this.replaced++);
    this.viewers.add(v);
    return v;
  }

  remove(v: Viewer): void {
    this.viewers.delete(v);
  }

  publish(kind: EventKind, data: unknown): void {
    const frame = sseFrame(kind, data);
    for (const v of this.viewers) v.send(kind, frame);
  }

  keepAlive(): void {
    for (const v of this.viewers) v.keepAlive();
  }
}

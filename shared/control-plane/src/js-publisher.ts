/**
 * JetStream publishes with their acknowledgements matched on one inbox: each message goes
 * out with a reply subject `<inbox>.<token>` and the stream's acknowledgement (or error)
 * comes back there. nats.js's `js.publish` makes each publish a request, with its own
 * timer and an error object with a stack trace that it builds even on success; with tens
 * of thousands of publishes a second that was dedup's largest cost (docs/benchmarks.md).
 * Semantics are those of `js.publish`: resolves with the stream and sequence (a duplicate
 * message id resolves with the first copy's), rejects on a stream error, when no stream
 * takes the subject, or after `timeoutMs`; callers retry with the same message id.
 */
import { KnownError } from "@meetuphype/core";
import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from "nats";

export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/** A publish the server refused or did not acknowledge in time. Retriable: a retry with the same message id is safe. */
export class JetStreamPublishError extends KnownError {
  readonly retriable = true;
  constructor(
    readonly code: "timeout" | "no_stream" | "stream_error" | "closed" | "bad_ack",
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  readonly subject: string;
  readonly at: number;
  readonly resolve: (a: PublishAck) => void;
  readonly reject: (e: Error) => void;
}

/** Reads a JetStream acknowledgement (`{"stream","seq","duplicate"}` or `{"error":{...}}`). Pure. */
export function parsePublishAck(subject: string, data: Uint8Array): PublishAck | JetStreamPublishError {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
  } catch {
    return new JetStreamPublishError("bad_ack", `publish to ${subject}: the acknowledgement is not JSON`);
  }
  if (typeof v !== "object" || v === null) return new JetStreamPublishError("bad_ack", `publish to ${subject}: unexpected acknowledgement`);
  const a = v as { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: unknown; description?: unknown } };
  if (a.error !== undefined) {
    const what = typeof a.error.description === "string" ? a.error.description : "error";
    const code = typeof a.error.code === "number" ? ` (${a.error.code})` : "";
    return new JetStreamPublishError("stream_error", `publish to ${subject}: ${what}${code}`);
  }
  if (typeof a.stream !== "string" || typeof a.seq !== "number")
    return new JetStreamPublishError("bad_ack", `publish to ${subject}: the acknowledgement names no stream and sequence`);
  return { stream: a.stream, seq: a.seq, duplicate: a.duplicate === true };
}

export class JetStreamPublisher {
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private readonly sub: Subscription;
  private readonly timer: NodeJS.Timeout;
  private next = 0;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5000,
  ) {
    this.inbox = createInbox();
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (_err, msg) => this.onReply(msg) });
    this.timer = setInterval(() => this.expire(Date.now()), Math.min(250, timeoutMs));
    this.timer.unref();
  }

  /** Publishes `data` to `subject` with the message id `msgID`; resolves with the stream's acknowledgement. */
  publish(subject: string, data: Uint8Array, msgID: string): Promise<PublishAck> {
    if (this.closed) return Promise.reject(new JetStreamPublishError("closed", `publish to ${subject}: the publisher is closed`));
    const token = (this.next++).toString(36);
    const h = headers();
    h.set("Nats-Msg-Id", msgID);
    return new Promise<PublishAck>((resolve, reject) => {
      this.pending.set(token, { subject, at: Date.now(), resolve, reject });
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers: h });
      } catch (err) {
        this.pending.delete(token);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Publishes still waiting for their acknowledgement. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Stops: every waiting publish is rejected (retriable). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.sub.unsubscribe();
    for (const [token, p] of this.pending) {
      this.pending.delete(token);
      p.reject(new JetStreamPublishError("closed", `publish to ${p.subject}: the publisher closed before the acknowledgement`));
    }
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const p = this.pending.get(token);
    if (p === undefined) return; // late, after its timeout: the caller has retried (same id) already
    this.pending.delete(token);
    // A status message with no body: 503 when nothing answers the subject: no stream takes it, or (on
    // replicated streams) its stream has no leader for the moment, as after a server of the cluster
    // went away. Retried either way.
    if (msg.data.length === 0 && msg.headers?.hasError === true) {
      const code = msg.headers.code;
      p.reject(
        code === 503
          ? new JetStreamPublishError(
              "no_stream",
              `publish to ${p.subject}: no stream answered (503 no responders): none takes the subject, or its stream has no leader yet`,
            )
          : new JetStreamPublishError("stream_error", `publish to ${p.subject}: ${code} ${msg.headers.description}`),
      );
      return;
    }
    const ack = parsePublishAck(p.subject, msg.data);
    if (ack instanceof Error) p.reject(ack);
    else p.resolve(ack);
  }

  private expire(now: number): void {
    for (const [token, p] of this.pending) {
      if (now - p.at < this.timeoutMs) continue;
      this.pending.delete(token);
      p.reject(new JetStreamPublishError("timeout", `publish to ${p.subject}: no acknowledgement within ${this.timeoutMs} ms`));
    }
  }
}

/**
 * How actors reach each other: publish a message on a subject, subscribe a
 * handler to a subject. The in-memory transport delivers in-process; the NATS
 * transport (distributed mode) implements the same interface.
 */
import { KnownError } from "@meetuphype/core";
export interface Subscription {
  unsubscribe(): void;
}

export interface Transport {
  /** Delivers `msg` to the subject's subscribers; resolves when they have accepted it. */
  publish<M>(subject: string, msg: M): Promise<void>;
  subscribe<M>(subject: string, handler: (msg: M) => void | Promise<void>): Subscription;
}

export class NoSubscriberError extends KnownError {
  readonly code = "NO_SUBSCRIBER";
  readonly retriable = true;
  constructor(readonly subject: string) {
    super(`no subscriber on subject ${subject}: the message would be lost`);
  }
}

type Handler = (msg: unknown) => void | Promise<void>;

/** Delivers in-process. Publishing to a subject nobody subscribes to is an error, never a silent loss. */
export class InMemoryTransport implements Transport {
  private readonly subs = new Map<string, Set<Handler>>();

  async publish<M>(subject: string, msg: M): Promise<void> {
    const handlers = this.subs.get(subject);
    if (handlers === undefined || handlers.size === 0) throw new NoSubscriberError(subject);
    for (const h of handlers) await h(msg);
  }

  subscribe<M>(subject: string, handler: (msg: M) => void | Promise<void>): Subscription {
    let set = this.subs.get(subject);
    if (set === undefined) {
      set = new Set();
      this.subs.set(subject, set);
    }
    const h = handler as Handler;
    set.add(h);
    return { unsubscribe: () => void set.delete(h) };
  }
}
